/** A real Temporal dev server per test file (the CLI binary built by scripts/ensure-temporal.ts). */
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer, type DevServerOptions } from '../../scripts/lib/dev-server';
import { freePort } from './ports';

export interface TestTemporal {
  server: DevServer;
  address: string;
  connection: Connection;
  client: Client;
  stop(): Promise<void>;
}

/**
 * With no port given, a free one is picked; the dev server also binds ports of its own choosing, so
 * another test file's server can take one between the pick and the bind: then it exits at once and
 * the start is tried again on a fresh port.
 */
async function startOnFreePort(opts: Partial<DevServerOptions>): Promise<DevServer> {
  if (opts.port) return startDevServer({ ...opts, port: opts.port });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServer({ ...opts, port: await freePort() });
    } catch (e) {
      if (attempt >= 3 || !/exited early/.test((e as Error).message)) throw e;
    }
  }
}

export async function startTestTemporal(opts: Partial<DevServerOptions> = {}): Promise<TestTemporal> {
  const server = await startOnFreePort(opts);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  return {
    server,
    address: server.address,
    connection,
    client,
    async stop() {
      await connection.close().catch(() => undefined);
      await server.stop();
    },
  };
}
