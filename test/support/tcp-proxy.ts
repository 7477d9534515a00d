/**
 * A TCP proxy for fault injection: listens on a free port on 127.0.0.1 and pipes every
 * connection to a target (MariaDB on 127.0.0.1:3306 by default).
 * `down()` destroys every open socket (both sides) and stops listening, so new connections
 * are refused (ECONNREFUSED); `up()` listens again on the same port.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  readonly targetHost: string;
  readonly targetPort: number;
  readonly isUp: boolean;
  /** Connections currently open through the proxy. */
  openConnections(): number;
  /** Connections accepted since the proxy started. */
  totalConnections(): number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  targetHost?: string;
  targetPort?: number;
  /** Port to listen on; 0 (default) picks a free one, kept across down()/up(). */
  port?: number;
  host?: string;
}

export async function startTcpProxy(opts: TcpProxyOptions = {}): Promise<TcpProxy> {
  const targetHost = opts.targetHost ?? '127.0.0.1';
  const targetPort = opts.targetPort ?? 3306;
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  let total = 0;
  let server: Server | undefined;
  let port = opts.port ?? 0;

  const track = (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };

  const onConnection = (client: Socket) => {
    total++;
    client.setNoDelay(true);
    const upstream = createConnection({ host: targetHost, port: targetPort });
    upstream.setNoDelay(true);
    track(client);
    track(upstream);
    const kill = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', kill);
    upstream.on('error', kill);
    client.on('close', kill);
    upstream.on('close', kill);
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const srv = createServer(onConnection);
      srv.once('error', reject);
      srv.listen(port, host, () => {
        srv.off('error', reject);
        port = (srv.address() as { port: number }).port;
        server = srv;
        resolve();
      });
    });

  const stopListening = async () => {
    const srv = server;
    server = undefined;
    const closed = srv ? new Promise<void>((resolve) => srv.close(() => resolve())) : Promise.resolve();
    for (const s of sockets) s.destroy();
    sockets.clear();
    await closed;
  };

  await listen();

  return {
    get port() {
      return port;
    },
    targetHost,
    targetPort,
    get isUp() {
      return server !== undefined;
    },
    openConnections: () => sockets.size / 2,
    totalConnections: () => total,
    down: stopListening,
    async up() {
      if (server) return;
      // The port was just released; retry briefly in case the kernel has not let go of it yet.
      for (let i = 0; ; i++) {
        try {
          await listen();
          return;
        } catch (err) {
          if (i >= 50 || (err as { code?: string }).code !== 'EADDRINUSE') throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    close: stopListening,
  };
}
