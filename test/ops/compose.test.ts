/**
 * docker-compose.yml, checked without a Docker engine: its structure against the Compose
 * specification's schema for the parts it uses (compose-spec.ts), then what running it relies on —
 * the production Temporal server on PostgreSQL (not the dev server), pinned images, workers that
 * scale and outlive their shutdown grace, health checks, loopback-only published ports, a demo
 * profile the default profile does not depend on, every variable documented. The files it mounts
 * run for real: the demo's seed SQL on MariaDB, the Temporal schema script on PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { Client as PgClient } from 'pg';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../scripts/lib/processes';
import { seedSales } from '../../scripts/seed-sales';
import { cachedClusterBinaries } from '../../scripts/lib/cluster-build';
import { MARIADB_URL, uniqueName } from '../support/mariadb';
import { TEST_PG_URL } from '../support/postgres';
import { composeSchema, environmentOf, interpolateTree, seconds, stringsIn, variablesIn, type ComposeService } from './compose-spec';
import { dockerfileStages } from './dockerfile';

const run = promisify(execFile);
const raw = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Record<string, unknown>;
const compose = composeSchema.parse(interpolateTree(raw, {}));
const services = compose.services;
const demoEnv = Object.fromEntries(
  readFileSync(join(ROOT, 'deploy/demo.env'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const demoCompose = composeSchema.parse(interpolateTree(raw, demoEnv));

const inDefault = (s: ComposeService) => !s.profiles || s.profiles.length === 0;
const defaultServices = Object.entries(services).filter(([, s]) => inDefault(s));
const dependencies = (s: ComposeService) => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}));
/** Long-running services (not one-shot setup jobs). */
const longRunning = (s: ComposeService) => s.restart !== undefined && !s.restart.startsWith('on-failure') && s.restart !== 'no';

describe('docker-compose.yml structure', () => {
  it('matches the Compose specification for every key it uses', () => {
    expect(() => composeSchema.parse(interpolateTree(raw, {}))).not.toThrow();
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'demo-mariadb', 'demo-migration', 'hydrolix-emulator', 'temporal', 'temporal-namespace', 'temporal-postgresql', 'temporal-schema', 'temporal-ui', 'worker'].sort(),
    );
  });

  it('refers only to services, volumes, files and build targets that exist', () => {
    const stages = dockerfileStages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).map((s) => s.name);
    for (const [name, s] of Object.entries(services)) {
      for (const dep of dependencies(s)) expect(services, `${name} depends on ${dep}`).toHaveProperty([dep]);
      if (s.build && typeof s.build === 'object') expect(stages, `${name} builds target ${s.build.target}`).toContain(s.build.target);
      expect(s.image ?? s.build, `${name} has an image or a build`).toBeDefined();
      for (const v of s.volumes ?? []) {
        const [source] = v.split(':');
        if (source.startsWith('.')) expect(existsSync(join(ROOT, source)), `${name} mounts ${source}`).toBe(true);
        else expect(compose.volumes ?? {}, `${name} uses volume ${source}`).toHaveProperty([source]);
      }
    }
  });
});

describe('the default profile: production Temporal, API and scalable workers', () => {
  it('runs the Temporal server 1.29.1 on PostgreSQL with its schema set up first, not the dev server', () => {
    for (const s of stringsIn(raw)) expect(s).not.toMatch(/start-dev/);
    const temporal = services.temporal;
    expect(temporal.image).toBe('temporalio/server:1.29.1');
    const env = environmentOf(temporal);
    expect(env.DB).toBe('postgres12');
    expect(services).toHaveProperty([env.POSTGRES_SEEDS]);
    const pg = services[env.POSTGRES_SEEDS];
    expect(pg.image).toMatch(/^postgres:/);
    expect(environmentOf(pg).POSTGRES_USER).toBe(env.POSTGRES_USER);
    expect(environmentOf(pg).POSTGRES_PASSWORD).toBe(env.POSTGRES_PWD);
    expect(temporal.depends_on).toMatchObject({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    const schema = services['temporal-schema'];
    expect(schema.image).toBe('temporalio/admin-tools:1.29.1');
    expect(environmentOf(schema)).toMatchObject({ DBNAME: env.DBNAME, VISIBILITY_DBNAME: env.VISIBILITY_DBNAME, POSTGRES_SEEDS: env.POSTGRES_SEEDS });
    expect(services['temporal-ui'].image).toBe('temporalio/ui:2.42.1');
    expect(environmentOf(services['temporal-ui']).TEMPORAL_ADDRESS).toBe('temporal:7233');
    // PostgreSQL's volume is the only state; the image owns it as its own user.
    expect(pg.volumes?.some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
  });

  it('pins every image it pulls to a version', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build) continue;
      expect(s.image, name).toMatch(/^[\w./-]+:[\w.-]*\d[\w.-]*$/);
      expect(s.image, name).not.toMatch(/:latest$/);
    }
  });

  it('lets workers scale: no container name, no published port, replicas set, health checked', () => {
    const worker = services.worker;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(1);
    expect(worker.expose).toEqual(expect.arrayContaining(['9464', '8081']));
    expect(worker.healthcheck?.test).toEqual(['CMD', 'node', 'deploy/healthcheck.mjs', 'worker']);
    const env = environmentOf(worker);
    expect(env).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', WORKER_HTTP_HOST: '0.0.0.0', WORKER_METRICS_PORT: '9464', WORKER_HEALTH_PORT: '8081', LOG_FORMAT: 'json' });
    for (const s of Object.values(services)) expect(s.container_name).toBeUndefined();
  });

  it("gives workers a stop_grace_period longer than their own shutdown grace, at its default and the demo's", () => {
    for (const doc of [compose, demoCompose]) {
      const worker = doc.services.worker;
      const grace = seconds(environmentOf(worker).WORKER_SHUTDOWN_GRACE);
      expect(grace).toBeGreaterThan(0);
      expect(seconds(worker.stop_grace_period ?? '10s')).toBeGreaterThan(grace + 5);
    }
  });

  it('health-checks every long-running service and restarts it', () => {
    for (const [name, s] of Object.entries(services)) {
      if (longRunning(s)) expect(s.healthcheck, `${name} has a healthcheck`).toBeDefined();
    }
    for (const name of ['temporal-postgresql', 'temporal', 'temporal-ui', 'worker', 'api']) expect(services[name].restart).toBe('unless-stopped');
    for (const name of ['temporal-schema', 'temporal-namespace']) expect(services[name].restart).toMatch(/^on-failure/);
  });

  it('publishes ports on the loopback interface only', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const p of s.ports ?? []) expect(p, `${name} publishes ${p}`).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('starts without the demo profile: nothing in it depends on a demo service', () => {
    const demo = new Set(Object.entries(services).filter(([, s]) => !inDefault(s)).map(([n]) => n));
    expect([...demo].sort()).toEqual(['demo-mariadb', 'demo-migration', 'hydrolix-emulator']);
    for (const [name, s] of defaultServices) for (const dep of dependencies(s)) expect(demo.has(dep), `${name} depends on ${dep}`).toBe(false);
    // Without the demo settings, the workers hold no connection to demo hosts.
    expect(stringsIn(environmentOf(services.worker)).join(' ')).not.toMatch(/demo-mariadb|hydrolix-emulator/);
  });

  it('keeps the API behind loopback publishing unless tokens are set', () => {
    const env = environmentOf(services.api);
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.API_ALLOW_UNAUTHENTICATED).toBe('true');
    expect(services.api.ports).toEqual(['127.0.0.1:3000:3000', '127.0.0.1:9465:9465']);
    expect(services.api.healthcheck?.test).toEqual(['CMD', 'node', 'deploy/healthcheck.mjs', 'api']);
  });
});

describe('the demo profile', () => {
  it('points the workers at the seeded MariaDB and the emulator, which listens on every interface', () => {
    expect(demoEnv.COMPOSE_PROFILES).toBe('demo');
    const worker = environmentOf(demoCompose.services.worker);
    const db = environmentOf(demoCompose.services['demo-mariadb']);
    const url = new URL(worker.SINGLESTORE_URL);
    expect(url.hostname).toBe('demo-mariadb');
    expect(url.username).toBe(db.MARIADB_USER);
    expect(url.password).toBe(db.MARIADB_PASSWORD);
    expect(url.pathname).toBe(`/${db.MARIADB_DATABASE}`);
    const emulator = environmentOf(demoCompose.services['hydrolix-emulator']);
    expect(emulator.HYDROLIX_EMULATOR_HOST).toBe('0.0.0.0');
    expect(worker.HYDROLIX_URL).toBe(`http://hydrolix-emulator:${emulator.HYDROLIX_EMULATOR_PORT}`);
    expect([worker.HYDROLIX_USERNAME, worker.HYDROLIX_PASSWORD]).toEqual([emulator.HYDROLIX_EMULATOR_USER, emulator.HYDROLIX_EMULATOR_PASSWORD]);
    expect(worker.HYDROLIX_VISIBILITY_WAIT_MS).toBe('0');
    const migration = demoCompose.services['demo-migration'];
    expect(migration.command).toEqual(['node', 'deploy/demo-migration.mjs']);
    expect(migration.depends_on).toMatchObject({ api: { condition: 'service_healthy' }, worker: { condition: 'service_healthy' }, 'demo-mariadb': { condition: 'service_healthy' } });
  });

  it("seeds the same sales_data rows as `npm run seed` (deploy/demo/seed.sql on MariaDB)", async () => {
    const database = uniqueName('ops_demo_db');
    const reference = uniqueName('ops_demo_ref');
    const admin = await mysql.createConnection({ uri: MARIADB_URL, multipleStatements: true });
    try {
      await admin.query(`CREATE DATABASE ${database}`);
      await admin.query(`USE ${database}`);
      await admin.query(readFileSync(join(ROOT, 'deploy/demo/seed.sql'), 'utf8'));
      await seedSales(MARIADB_URL, 3_000, reference);
      const [count] = (await admin.query(`SELECT COUNT(*) AS n FROM ${database}.sales_data`)) as [Array<{ n: number }>, unknown];
      expect(Number(count[0].n)).toBe(100_000);
      const testDb = new URL(MARIADB_URL).pathname.slice(1);
      const [diff] = (await admin.query(
        `SELECT COUNT(*) AS n FROM ${database}.sales_data d JOIN ${testDb}.${reference} r USING (id)
         WHERE NOT (d.date <=> r.date AND d.quantity <=> r.quantity AND d.product <=> r.product AND d.amount <=> r.amount
                    AND d.notes <=> r.notes AND ((d.attrs IS NULL AND r.attrs IS NULL) OR JSON_EQUALS(d.attrs, r.attrs)))`,
      )) as [Array<{ n: number }>, unknown];
      expect(Number(diff[0].n)).toBe(0);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      await admin.query(`DROP TABLE IF EXISTS ${new URL(MARIADB_URL).pathname.slice(1)}.${reference}`);
      await admin.end();
    }
  });
});

describe('Temporal schema setup (deploy/temporal/setup-schema.sh)', () => {
  const binaries = cachedClusterBinaries();
  it.skipIf(!binaries)('creates both databases with current schemas, and a second run changes nothing', async () => {
    // The admin-tools image's tools: temporal-sql-tool of the same server version, and nc.
    const bin = mkdtempSync(join(tmpdir(), 'ops-schema-'));
    symlinkSync(binaries!.sqlTool, join(bin, 'temporal-sql-tool'));
    writeFileSync(join(bin, 'nc'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const pgUrl = new URL(TEST_PG_URL);
    const dbs = { main: uniqueName('ops_temporal'), visibility: uniqueName('ops_temporal_vis') };
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      POSTGRES_SEEDS: pgUrl.hostname,
      DB_PORT: pgUrl.port || '5432',
      POSTGRES_USER: pgUrl.username || 'postgres',
      SQL_PASSWORD: decodeURIComponent(pgUrl.password),
      DBNAME: dbs.main,
      VISIBILITY_DBNAME: dbs.visibility,
    };
    const admin = new PgClient({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      for (let i = 0; i < 2; i++) {
        const { stdout } = await run('sh', [join(ROOT, 'deploy/temporal/setup-schema.sh')], { env, maxBuffer: 64 << 20 });
        expect(stdout).toContain(`database ${dbs.main}: postgresql/v12/temporal schema is current`);
        expect(stdout).toContain(`database ${dbs.visibility}: postgresql/v12/visibility schema is current`);
      }
      for (const [db, table] of [[dbs.main, 'executions'], [dbs.visibility, 'executions_visibility']]) {
        const c = new PgClient({ connectionString: TEST_PG_URL.replace(/\/[^/]*$/, `/${db}`) });
        await c.connect();
        const v = await c.query('SELECT curr_version FROM schema_version');
        expect(v.rows).toHaveLength(1);
        expect(Number(v.rows[0].curr_version)).toBeGreaterThanOrEqual(1);
        expect((await c.query(`SELECT to_regclass($1) AS t`, [table])).rows[0].t).toBe(table);
        await c.end();
      }
    } finally {
      for (const db of Object.values(dbs)) await admin.query(`DROP DATABASE IF EXISTS "${db}"`);
      await admin.end();
    }
  });
});

describe('documentation of the variables', () => {
  it('documents every variable the file interpolates and every setting it gives the services', () => {
    const docs = readFileSync(join(ROOT, 'README.md'), 'utf8') + readFileSync(join(ROOT, 'deploy/compose.env.example'), 'utf8');
    const interpolated = new Set(stringsIn(raw).flatMap(variablesIn));
    const given = new Set(Object.values(services).filter((s) => s.build).flatMap((s) => Object.keys(environmentOf(s))));
    const missing = [...new Set([...interpolated, ...given])].filter((v) => !new RegExp(`\\b${v}\\b`).test(docs));
    expect(missing).toEqual([]);
    // deploy/demo.env only sets variables the compose file reads.
    for (const k of Object.keys(demoEnv)) if (k !== 'COMPOSE_PROFILES') expect(interpolated, k).toContain(k);
  });
});
