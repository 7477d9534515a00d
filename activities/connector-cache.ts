/**
 * One connected connector per (role, type, connection) per worker process, so chunks
 * reuse pools and login tokens instead of reconnecting for every activity.
 */
import type { Env } from '../connectors/env';
import { createDestination, createSource } from '../connectors/registry';
import type { DataConnector, DestinationConnector, SourceConnector } from '../connectors/types';

export class ConnectorCache {
  private readonly live = new Map<string, Promise<DataConnector>>();

  constructor(private readonly env: Env) {}

  source(type: string, connection?: string): Promise<SourceConnector> {
    return this.get(`source:${type}:${connection ?? 'default'}`, () => createSource(type, this.env, connection)) as Promise<SourceConnector>;
  }

  destination(type: string, connection?: string): Promise<DestinationConnector> {
    return this.get(`destination:${type}:${connection ?? 'default'}`, () =>
      createDestination(type, this.env, connection),
    ) as Promise<DestinationConnector>;
  }

  private get(key: string, make: () => DataConnector): Promise<DataConnector> {
    let entry = this.live.get(key);
    if (!entry) {
      entry = (async () => {
        const c = make();
        await c.connect();
        return c;
      })();
      // A failed connect must not poison the cache: the next attempt tries again.
      entry.catch(() => this.live.delete(key));
      this.live.set(key, entry);
    }
    return entry;
  }

  async closeAll(): Promise<void> {
    const all = [...this.live.values()];
    this.live.clear();
    await Promise.allSettled(all.map(async (p) => (await p).disconnect()));
  }
}
