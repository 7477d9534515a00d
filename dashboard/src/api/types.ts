/** Domain types, each read off the API's generated path types (never written by hand). */
import type { paths } from './schema';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? R : never;
/** The JSON body a path and method answer with a given status. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P], S extends keyof Responses<P, M>> = JsonOf<Responses<P, M>[S]>;
/** The JSON body a path and method take. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

export type Migration = ResponseOf<'/api/migrations/{id}', 'get', 200>;
export type MigrationPage = ResponseOf<'/api/migrations', 'get', 200>;
export type MigrationStatus = Migration['status'];
export type Verification = NonNullable<Migration['verification']>;
export type CreateMigration = BodyOf<'/api/migrations', 'post'>;
/** Members of a union without a string index signature: the per-connector configs, not the open fallback. */
type Declared<T> = T extends unknown ? (string extends keyof T ? never : T) : never;
export type SourceConfig = Declared<CreateMigration['source_config']>;
export type DestinationConfig = Declared<CreateMigration['destination_config']>;
export type ColumnRules = NonNullable<DestinationConfig['columns']>;
export type ColumnRule = ColumnRules[string];
export type Schedule = ResponseOf<'/api/schedules/{id}', 'get', 200>;
export type CreateSchedule = BodyOf<'/api/schedules', 'post'>;
export type ScheduleSpec = CreateSchedule['spec'];
export type Connector = ResponseOf<'/api/connectors', 'get', 200>['connectors'][number];
export type SourceTables = ResponseOf<'/api/sources/{type}/tables', 'get', 200>;
export type SourceTable = SourceTables['tables'][number];
export type SourceColumn = ResponseOf<'/api/sources/{type}/tables/{table}/columns', 'get', 200>['columns'][number];
export type Plan = ResponseOf<'/api/migrations/plan', 'post', 200>;
export type Template = ResponseOf<'/api/templates/{id}', 'get', 200>;
export type TemplateBody = BodyOf<'/api/templates', 'post'>;

export const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const satisfies readonly MigrationStatus[];
