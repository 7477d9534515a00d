/**
 * temporalSettings (worker/config.ts): the Temporal connection read the way Temporal's SDKs and CLI
 * read it (@temporalio/envconfig), with the project's defaults when nothing is set.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporalSettings } from '../../worker/config';
import { makeTestCertificates } from '../support/cluster-certs';

// No ~/.config/temporalio/temporal.toml of the machine's user: HOME and XDG_CONFIG_HOME point at an empty directory.
const home = mkdtempSync(join(tmpdir(), 'es-envconfig-home-'));
const isolated = (env: Record<string, string>) => ({ HOME: home, XDG_CONFIG_HOME: home, ...env });

describe('temporalSettings', () => {
  it('defaults to 127.0.0.1:7233, namespace default, no TLS; empty variables count as unset', () => {
    for (const env of [isolated({}), isolated({ TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '', TEMPORAL_TASK_QUEUE: '' })]) {
      expect(temporalSettings(env)).toEqual({
        address: '127.0.0.1:7233',
        namespace: 'default',
        taskQueue: 'epic-shelter',
        connectOptions: { address: '127.0.0.1:7233' },
      });
    }
  });

  it('takes address, namespace, task queue and gRPC metadata from variables', () => {
    const s = temporalSettings(isolated({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'migrations', TEMPORAL_TASK_QUEUE: 'eu', TEMPORAL_GRPC_META_X_TEAM: 'data' }));
    expect(s).toEqual({
      address: 'temporal.internal:7233',
      namespace: 'migrations',
      taskQueue: 'eu',
      connectOptions: { address: 'temporal.internal:7233', metadata: { 'x-team': 'data' } },
    });
  });

  it('an API key turns TLS on (Temporal Cloud)', () => {
    const s = temporalSettings(isolated({ TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'my-ns.a1b2c', TEMPORAL_API_KEY: 'secret-key' }));
    expect(s.connectOptions).toEqual({ address: 'my-ns.a1b2c.tmprl.cloud:7233', tls: true, apiKey: 'secret-key' });
    expect(s.namespace).toBe('my-ns.a1b2c');
  });

  it('reads client certificates and the server CA named by TEMPORAL_TLS_* variables', () => {
    const certs = makeTestCertificates();
    const s = temporalSettings(
      isolated({
        TEMPORAL_ADDRESS: '127.0.0.1:7233',
        TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCertFile,
        TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKeyFile,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caFile,
        TEMPORAL_TLS_SERVER_NAME: 'localhost',
      }),
    );
    const tls = s.connectOptions.tls as { serverNameOverride?: string; serverRootCACertificate?: Uint8Array; clientCertPair?: { crt: Uint8Array; key: Uint8Array } };
    const text = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('utf8');
    expect(tls.serverNameOverride).toBe('localhost');
    expect(text(tls.serverRootCACertificate)).toContain('BEGIN CERTIFICATE');
    expect(text(tls.clientCertPair?.crt)).toContain('BEGIN CERTIFICATE');
    expect(text(tls.clientCertPair?.key)).toContain('PRIVATE KEY');
  });

  it('reads a profile from TEMPORAL_CONFIG_FILE, chosen by TEMPORAL_PROFILE; variables override it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'es-envconfig-')), 'temporal.toml');
    writeFileSync(
      file,
      ['[profile.default]', 'address = "dev:7233"', '[profile.prod]', 'address = "prod:7233"', 'namespace = "prod"', 'api_key = "k"', ''].join('\n'),
    );
    expect(temporalSettings(isolated({ TEMPORAL_CONFIG_FILE: file })).address).toBe('dev:7233');
    const prod = temporalSettings(isolated({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' }));
    expect(prod).toMatchObject({ address: 'prod:7233', namespace: 'prod', connectOptions: { address: 'prod:7233', tls: true, apiKey: 'k' } });
    expect(temporalSettings(isolated({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'other' })).namespace).toBe('other');
  });

  it('reads ~/.config/temporalio/temporal.toml when no file is named', () => {
    const xdg = mkdtempSync(join(tmpdir(), 'es-envconfig-xdg-'));
    const dir = join(xdg, 'temporalio');
    mkdirSync(dir);
    writeFileSync(join(dir, 'temporal.toml'), '[profile.default]\naddress = "from-home:7233"\n');
    expect(temporalSettings({ HOME: home, XDG_CONFIG_HOME: xdg }).address).toBe('from-home:7233');
  });

  it('refuses a missing config file or profile instead of falling back to defaults', () => {
    expect(() => temporalSettings(isolated({ TEMPORAL_CONFIG_FILE: join(home, 'nope.toml') }))).toThrow(/TEMPORAL_CONFIG_FILE names a missing file/);
    const file = join(mkdtempSync(join(tmpdir(), 'es-envconfig-')), 'temporal.toml');
    writeFileSync(file, '[profile.default]\naddress = "dev:7233"\n');
    expect(() => temporalSettings(isolated({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'staging' }))).toThrow(/Profile 'staging' not found/);
  });
});
