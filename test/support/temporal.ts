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

export async function startTestTemporal(opts: Partial<DevServerOptions> = {}): Promise<TestTemporal> {
  const port = opts.port ?? (await freePort());
  const server = await startDevServer({ ...opts, port });
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
