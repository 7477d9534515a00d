// Public entry point: start a strict local Hydrolix emulator. Config API and ingest are its own code;
// /query runs on real ClickHouse (chdb, in-process) over the stored rows. See README.md.
import type { AddressInfo } from 'node:net';
import { closeQueryEngine } from './query';
import { createEmulatorServer } from './server';
import { EmulatorOptions, EmulatorState } from './state';

export { EmulatorState } from './state';
export type { EmulatorOptions, FaultSpec, DelaySpec, Stats, FaultPath } from './state';
export { parseGoTime } from './datetime';
export { parseJson, parseJsonSequence, JsonNumber } from './json';

export interface StartOptions extends EmulatorOptions {
  port?: number; // 0 = random
  host?: string;
}
export interface EmulatorHandle {
  url: string;
  port: number;
  close(): Promise<void>;
  state: EmulatorState;
}

export async function startHydrolixEmulator(opts: StartOptions = {}): Promise<EmulatorHandle> {
  const state = new EmulatorState(opts);
  const server = createEmulatorServer(state);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    state,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
      });
      await closeQueryEngine(state);
    },
  };
}
