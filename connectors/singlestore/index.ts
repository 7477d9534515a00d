import type { Pool } from 'mysql2/promise';
import type { ConnectorFactories } from '../registry';
import { singlestoreDefinition } from './definition';
import type { Env } from '../env';
import type { Catalog, ConnectionInfo, KeyRange, KeyTuple, KeyWalk, StoppedWalk, KeyValue, ReadOptions, Row, SourceConnector, SourceSpec, TableSchema, Tally, TextBatch } from '../types';
import { readConfig, type SingleStoreConfig } from './config';
import { takeRawRows } from './raw-rows';
import { describeServer, detectFlavor, type Queryable, type RawRowStream, type ServerFlavor } from './flavor';
import { openPool, sanitizeError, SourceSessions, streamingConnection } from './pool';
import { mapErrors } from '../map-errors';
import * as reader from './read';
import * as textReader from './read-text';
import { describeSource, listTables } from './schema';
import { listCatalogTables } from './catalog';

export interface SingleStoreSourceOptions {
  /** Where zero-date notices go (default console.warn). */
  warn?: (msg: string) => void;
}

/**
 * SingleStore source (also reads MariaDB/MySQL, which tests use as a stand-in).
 * Text protocol only (`query()`): S2's server-side prepared statements are unreliable.
 */
export class SingleStoreSource implements SourceConnector {
  readonly type = 'SINGLESTORE';
  private pool?: Pool;
  private sessions?: SourceSessions;
  private server?: ServerFlavor;
  private readonly warn: (msg: string) => void;

  constructor(private readonly config: SingleStoreConfig, opts: SingleStoreSourceOptions = {}) {
    this.warn = opts.warn ?? ((m) => console.warn(`[singlestore] ${m}`));
  }

  static fromEnv(env: Env, connection?: string, opts?: SingleStoreSourceOptions): SingleStoreSource {
    return new SingleStoreSource(readConfig(env, connection), opts);
  }

  async connect(): Promise<void> {
    await this.ready();
  }

  async disconnect(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    this.sessions = undefined;
    this.server = undefined;
    await pool?.end();
  }

  async testConnection(): Promise<ConnectionInfo> {
    const { server } = await this.ready();
    return { server: describeServer(server) };
  }

  async getTables(): Promise<string[]> {
    return this.run((db) => listTables(db, this.config.database));
  }

  readonly catalog: Catalog = {
    listTables: (opts) => this.run((db) => listCatalogTables(db, this.config.database, opts)),
  };

  async getSchema(spec: SourceSpec): Promise<TableSchema> {
    return this.run((db, server) => describeSource(db, this.config.database, spec, server.flavor));
  }

  async countRows(spec: SourceSpec, schema: TableSchema, range?: KeyRange): Promise<number> {
    return this.run((db, server) => reader.countRows(this.ctx(db, server), spec, schema, range), true);
  }

  async tally(spec: SourceSpec, schema: TableSchema): Promise<Tally> {
    return this.run((db, server) => reader.tally(this.ctx(db, server), spec, schema), true);
  }

  async maxValue(spec: SourceSpec, schema: TableSchema, column: string): Promise<KeyValue | null> {
    return this.run((db, server) => reader.maxValue(this.ctx(db, server), spec, schema, column), true);
  }

  async planBoundaries(spec: SourceSpec, schema: TableSchema, chunkRows: number, rowsTotal?: number): Promise<KeyTuple[]> {
    return this.run((db, server) => reader.planBoundaries(this.ctx(db, server), this.rowStream, spec, schema, chunkRows, rowsTotal), true);
  }

  async walkKeys(spec: SourceSpec, schema: TableSchema, every: number, maxChunks: number): Promise<KeyWalk>;
  async walkKeys(spec: SourceSpec, schema: TableSchema, every: number, maxChunks: number, limit: number | undefined): Promise<KeyWalk | StoppedWalk>;
  async walkKeys(spec: SourceSpec, schema: TableSchema, every: number, maxChunks: number, limit?: number): Promise<KeyWalk | StoppedWalk> {
    return this.run((db, server) => reader.walkKeys(this.ctx(db, server), this.rowStream, spec, schema, every, maxChunks, limit), true);
  }

  async estimateRows(spec: SourceSpec): Promise<number | null> {
    return this.run((db, server) => reader.estimateRows(this.ctx(db, server), spec, this.config.database));
  }

  async *readData(spec: SourceSpec, schema: TableSchema, range: KeyRange, opts: ReadOptions): AsyncIterable<Row[]> {
    const { server, sessions } = await this.ready();
    yield* mapErrors(reader.readData(this.ctx(sessions.queryable(true), server), spec, schema, range, opts), (e) => sanitizeError(e, this.config.password));
  }

  async canReadText(_spec: SourceSpec, schema: TableSchema): Promise<boolean> {
    return textReader.canReadText(schema);
  }

  async textPathBlocker(_spec: SourceSpec, schema: TableSchema): Promise<string | null> {
    return textReader.textPathBlocker(schema);
  }

  async *readText(spec: SourceSpec, schema: TableSchema, range: KeyRange, opts: ReadOptions): AsyncIterable<TextBatch> {
    const { server, sessions } = await this.ready();
    yield* mapErrors(textReader.readText(this.ctx(sessions.queryable(true), server), this.rawRows, spec, schema, range, opts), (e) => sanitizeError(e, this.config.password));
  }

  /** Row packets as raw bytes, streamed (no result set kept) in a read-only session: the text path's read. */
  private readonly rawRows: RawRowStream = (sql, params, onRow) => {
    if (!this.sessions) return Promise.reject(new Error('source is not connected'));
    return this.sessions.use(true, (conn) =>
      new Promise<void>((resolve, reject) => {
        const query = streamingConnection(conn).query({ sql }, params);
        const taken = takeRawRows(query, onRow);
        query.on('error', reject); // a second error after the first must not go unhandled
        query.once('end', () => (taken.failed() === undefined ? resolve() : reject(taken.failed())));
      }),
    );
  };

  /** Decoded rows, streamed (no result set kept): planning's key walk. */
  private readonly rowStream: reader.RowStream = (sql, params, onRow) =>
    !this.sessions ? Promise.reject(new Error('source is not connected')) : this.sessions.use(true, (conn) => new Promise<void>((resolve, reject) => {
      const query = streamingConnection(conn).query({ sql, rowsAsArray: true }, params);
      let failed: unknown;
      query.on('result', (row: unknown) => {
        if (failed !== undefined) return; // keep draining; report at the end
        try {
          onRow(row as unknown[]);
        } catch (e) {
          failed = e ?? new Error('row handler failed');
        }
      });
      query.on('error', reject);
      query.once('end', () => (failed === undefined ? resolve() : reject(failed)));
    }));

  private ctx(db: Queryable, server: ServerFlavor): reader.ReadContext {
    return { db, flavor: server.flavor, warn: this.warn };
  }

  private async ready(): Promise<{ server: ServerFlavor; sessions: SourceSessions }> {
    try {
      this.pool ??= openPool(this.config);
      const sessions = (this.sessions ??= new SourceSessions(this.pool, this.config.timeouts));
      this.server ??= await detectFlavor(sessions.queryable(false));
      sessions.flavor = this.server.flavor;
      return { server: this.server, sessions };
    } catch (e) {
      throw sanitizeError(e, this.config.password, 'cannot connect to the SingleStore source');
    }
  }

  /** Every statement in a read-only session; `long` = counts, planning (the page-read limit), else the probe limit. */
  private async run<T>(fn: (db: Queryable, server: ServerFlavor) => Promise<T>, long = false): Promise<T> {
    const { server, sessions } = await this.ready();
    try {
      return await fn(sessions.queryable(long), server);
    } catch (e) {
      throw sanitizeError(e, this.config.password);
    }
  }
}

export const singlestoreConnector: ConnectorFactories = {
  type: singlestoreDefinition.type,
  createSource: (env: Env, connection?: string) => SingleStoreSource.fromEnv(env, connection),
};

export { readConfig } from './config';
export type { SingleStoreConfig } from './config';
