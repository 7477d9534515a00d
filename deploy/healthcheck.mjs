// Container health checks (Dockerfile HEALTHCHECK): `node deploy/healthcheck.mjs worker|api|tcp <port>`.
// Exit 0 when healthy, 1 otherwise; plain Node, no curl in the slim image.
import { connect } from 'node:net';

const [role, arg] = process.argv.slice(2);
const env = process.env;

function httpOk(url) {
  return fetch(url, { signal: AbortSignal.timeout(2500) }).then((r) => r.ok, () => false);
}

function tcpOk(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.setTimeout(2500, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const checks = {
  // 200 while the worker runs and polls; 503 once it drains (worker/health.ts).
  worker: () => httpOk(`http://127.0.0.1:${env.WORKER_HEALTH_PORT || 8081}/healthz`),
  // 200 when Temporal is reachable from the API (api/app.ts).
  api: () => httpOk(`http://127.0.0.1:${env.PORT || 3000}/healthz`),
  tcp: () => tcpOk(Number(arg)),
};

const check = checks[role];
if (!check) {
  console.error(`usage: healthcheck.mjs worker|api|tcp <port> (got ${role})`);
  process.exit(2);
}
process.exit((await check()) ? 0 : 1);
