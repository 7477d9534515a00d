/** `npm run cluster`'s settings from CLUSTER_* variables (scripts/cluster.ts), and the server configuration they become. */
import { describe, expect, it } from 'vitest';
import { clusterSettings } from '../../scripts/cluster';
import { serverConfig, uiConfig } from '../../scripts/lib/cluster-config';

describe('npm run cluster settings', () => {
  it('defaults to Temporal’s usual ports on 127.0.0.1 and the local PostgreSQL', () => {
    const s = clusterSettings({});
    expect(s.ports).toEqual({ frontend: 7233, frontendHttp: 7243, history: 7234, matching: 7235, worker: 7239, membership: [6933, 6934, 6935, 6939], ui: 8080, metrics: 8000 });
    expect(s.postgres).toEqual({ host: '127.0.0.1', port: 5432, user: 'postgres', password: '' });
    expect(s.databases).toEqual({ main: 'es_temporal', visibility: 'es_temporal_visibility' });
    expect(s.tls).toBeUndefined();
  });

  it('moves every port with CLUSTER_PORT, drops the UI and metrics with 0, and reads the PostgreSQL URL', () => {
    const s = clusterSettings({ CLUSTER_PORT: '17233', CLUSTER_UI_PORT: '0', CLUSTER_METRICS_PORT: '0', CLUSTER_POSTGRES_URL: 'postgres://temporal:p%40ss@db.internal:6432', CLUSTER_DATABASE: 'tmp' });
    expect(s.ports).toEqual({ frontend: 17233, frontendHttp: 17243, history: 17234, matching: 17235, worker: 17239, membership: [16933, 16934, 16935, 16939] });
    expect(s.postgres).toEqual({ host: 'db.internal', port: 6432, user: 'temporal', password: 'p@ss' });
    expect(s.databases).toEqual({ main: 'tmp', visibility: 'tmp_visibility' });
  });

  it('refuses ports the membership table cannot store, and half an mTLS setup', () => {
    expect(() => clusterSettings({ CLUSTER_PORT: '40000' })).toThrow(/CLUSTER_PORT/);
    expect(() => clusterSettings({ CLUSTER_UI_PORT: 'eighty' })).toThrow(/CLUSTER_UI_PORT/);
    expect(() => clusterSettings({ CLUSTER_TLS_CA: 'ca.pem', CLUSTER_TLS_CERT: 'server.pem' })).toThrow(/missing CLUSTER_TLS_KEY, CLUSTER_TLS_CLIENT_CERT, CLUSTER_TLS_CLIENT_KEY/);
  });

  it('with CLUSTER_TLS_* the frontend requires client certificates from the CA, and the UI presents one', () => {
    const s = clusterSettings({
      CLUSTER_TLS_CA: '/certs/ca.pem',
      CLUSTER_TLS_CERT: '/certs/server.pem',
      CLUSTER_TLS_KEY: '/certs/server.key',
      CLUSTER_TLS_CLIENT_CERT: '/certs/internal.pem',
      CLUSTER_TLS_CLIENT_KEY: '/certs/internal.key',
    });
    const config = serverConfig({ ip: s.ip!, ports: s.ports, postgres: s.postgres, databases: s.databases, dynamicConfigFile: '/dc.yaml', tls: s.tls }) as any;
    expect(config.global.tls.frontend.server).toEqual({ certFile: '/certs/server.pem', keyFile: '/certs/server.key', clientCaFiles: ['/certs/ca.pem'], requireClientAuth: true });
    expect(config.global.tls.systemWorker).toMatchObject({ certFile: '/certs/internal.pem', keyFile: '/certs/internal.key', client: { serverName: 'localhost', rootCaFiles: ['/certs/ca.pem'] } });
    expect(config.persistence.datastores['postgres-visibility'].sql).toMatchObject({ pluginName: 'postgres12', databaseName: 'es_temporal_visibility' });
    const ui = uiConfig({ ip: '127.0.0.1', port: 8080, frontend: '127.0.0.1:7233', namespace: 'default', tls: s.tls }) as any;
    expect(ui.tls).toMatchObject({ caFile: '/certs/ca.pem', certFile: '/certs/internal.pem', keyFile: '/certs/internal.key', enableHostVerification: true });
  });
});
