/**
 * Provisional: replaced by the generated types (dashboard/scripts/api-types.ts) once the API serves its
 * OpenAPI document.
 */
type Json<T> = { content: { 'application/json': T } };
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type ErrorBody = { error: string; fields?: { path: string; message: string }[] | Record<string, string> };

export interface components {
  schemas: {
    Error: ErrorBody;
    Migration: {
      id: string;
      name: string;
      status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
      progress: number;
      rows_copied: number;
      rows_total: number | null;
      created_at: string;
      updated_at: string;
      error: string | null;
      source_type: string;
      destination_type: string;
      phase: string;
      chunks_done: number;
      chunks_total: number | null;
      rows_per_second: number | null;
      eta_seconds: number | null;
      target: string | null;
      warnings: string[];
      high_water_mark: string | number | null;
      boundary_fingerprints: string | null;
      lookback: string | number | null;
      rows_skipped: number;
      runs: number;
      schedule_id: string | null;
      verification: {
        source_rows: number;
        destination_rows: number;
        source_key_sum: string | null;
        destination_key_sum: string | null;
        destination_distinct_keys?: number;
        duplicates?: number;
        ok: boolean;
      } | null;
      chunks?: { index: number; status: 'pending' | 'copying' | 'done'; rows: number }[] | null;
    };
    CreateMigration: {
      name: string;
      source_type: string;
      source_config: { connection?: string; table?: string; query?: string; order_by?: string | string[] };
      destination_type: string;
      destination_config: {
        connection?: string;
        table: string;
        project?: string;
        schema?: string;
        timestamp_column?: string;
        write_mode?: 'append' | 'upsert' | 'replace';
        boolean_as?: 'boolean' | 'smallint';
        overwrite_existing?: boolean;
        columns?: Record<string, { name?: string; cast?: string; skip?: boolean }>;
      };
      transform_query?: string;
      options?: {
        chunk_rows?: number;
        batch_rows?: number;
        parallelism?: number;
        mode?: 'full' | 'incremental';
        cursor_column?: string;
        high_water_mark?: string | number | null;
        lookback?: string | number;
        boundary_fingerprints?: string;
      };
    };
    ScheduleSpec: {
      cron?: string | string[];
      interval?: string | { every: string; offset?: string };
      calendars?: Record<string, unknown>[];
      timezone?: string;
      start_at?: string;
      end_at?: string;
    };
    Schedule: {
      id: string;
      name: string;
      spec: components['schemas']['ScheduleSpec'];
      migration: components['schemas']['CreateMigration'];
      overlap: string;
      catchup_window: string;
      pause_on_failure: boolean;
      paused: boolean;
      note: string | null;
      next_run_times: string[];
      recent_runs: { migration_id: string; scheduled_at: string; started_at: string; status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | null }[];
      running_runs: string[];
      actions_taken: number;
      high_water_mark: string | number | null;
      created_at: string;
      updated_at: string;
    };
    CreateSchedule: {
      name: string;
      spec: components['schemas']['ScheduleSpec'];
      migration: components['schemas']['CreateMigration'];
      overlap?: string;
      catchup_window?: string;
      pause_on_failure?: boolean;
      paused?: boolean;
      note?: string;
    };
    Connector: { type: string; roles: ('source' | 'destination')[]; configured?: boolean; description?: string };
    Table: { name: string; rows_estimate: number | null };
    Column: { name: string; type: string; nullable: boolean; key?: boolean };
    Plan: {
      columns: {
        source: string;
        source_type: string;
        destination: string | null;
        destination_type: string | null;
        warning: string | null;
        casts?: string[];
      }[];
      ddl: string;
      rows_total: number | null;
      chunks: { count: number; rows_each?: number };
      warnings: string[];
    };
    Template: {
      id: string;
      name: string;
      description: string | null;
      migration: components['schemas']['CreateMigration'];
      created_at: string;
      updated_at: string;
    };
  };
}
type S = components['schemas'];

export interface paths {
  '/api/migrations': {
    parameters: NoParams;
    get: {
      parameters: {
        query?: {
          page_size?: number;
          page_token?: string;
          status?: string;
          source_type?: string;
          destination_type?: string;
          name?: string;
          schedule_id?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: { 200: Json<{ migrations: S['Migration'][]; next_page_token: string | null }>; 400: Json<ErrorBody> };
    };
    post: {
      parameters: NoParams;
      requestBody: Json<S['CreateMigration']>;
      responses: { 201: Json<S['Migration']>; 400: Json<ErrorBody> };
    };
  };
  '/api/migrations/plan': {
    parameters: NoParams;
    post: {
      parameters: NoParams;
      requestBody: Json<S['CreateMigration']>;
      responses: { 200: Json<S['Plan']>; 400: Json<ErrorBody> };
    };
  };
  '/api/migrations/{id}': {
    parameters: NoParams;
    get: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<S['Migration']>; 404: Json<ErrorBody> };
    };
  };
  '/api/migrations/{id}/cancel': {
    parameters: NoParams;
    post: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 202: Json<S['Migration'] & { cancel_requested: boolean }>; 404: Json<ErrorBody>; 409: Json<ErrorBody> };
    };
  };
  '/api/migrations/{id}/retry': {
    parameters: NoParams;
    post: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 202: Json<S['Migration']>; 404: Json<ErrorBody>; 409: Json<ErrorBody> };
    };
  };
  '/api/schedules': {
    parameters: NoParams;
    get: { parameters: NoParams; requestBody?: never; responses: { 200: Json<{ schedules: S['Schedule'][] }> } };
    post: { parameters: NoParams; requestBody: Json<S['CreateSchedule']>; responses: { 201: Json<S['Schedule']>; 400: Json<ErrorBody> } };
  };
  '/api/schedules/{id}': {
    parameters: NoParams;
    get: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<S['Schedule']>; 404: Json<ErrorBody> };
    };
    delete: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 204: { content?: never }; 404: Json<ErrorBody> };
    };
  };
  '/api/schedules/{id}/pause': {
    parameters: NoParams;
    post: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: Json<{ note?: string }>;
      responses: { 200: Json<S['Schedule']>; 404: Json<ErrorBody> };
    };
  };
  '/api/schedules/{id}/unpause': {
    parameters: NoParams;
    post: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: Json<{ note?: string }>;
      responses: { 200: Json<S['Schedule']>; 404: Json<ErrorBody> };
    };
  };
  '/api/schedules/{id}/trigger': {
    parameters: NoParams;
    post: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 202: Json<Record<string, unknown>>; 404: Json<ErrorBody> };
    };
  };
  '/api/schedules/{id}/backfill': {
    parameters: NoParams;
    post: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody: Json<{ start: string; end: string; overlap?: string }>;
      responses: { 202: Json<Record<string, unknown>>; 400: Json<ErrorBody>; 404: Json<ErrorBody> };
    };
  };
  '/api/connectors': {
    parameters: NoParams;
    get: { parameters: NoParams; requestBody?: never; responses: { 200: Json<{ connectors: S['Connector'][] }> } };
  };
  '/api/sources/{type}/tables': {
    parameters: NoParams;
    get: {
      parameters: { query?: { connection?: string }; header?: never; path: { type: string }; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<{ tables: S['Table'][] }>; 400: Json<ErrorBody> };
    };
  };
  '/api/sources/{type}/tables/{table}/columns': {
    parameters: NoParams;
    get: {
      parameters: { query?: { connection?: string }; header?: never; path: { type: string; table: string }; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<{ columns: S['Column'][] }>; 400: Json<ErrorBody>; 404: Json<ErrorBody> };
    };
  };
  '/api/templates': {
    parameters: NoParams;
    get: { parameters: NoParams; requestBody?: never; responses: { 200: Json<{ templates: S['Template'][] }> } };
    post: {
      parameters: NoParams;
      requestBody: Json<{ name: string; description?: string | null; migration: S['CreateMigration'] }>;
      responses: { 201: Json<S['Template']>; 400: Json<ErrorBody> };
    };
  };
  '/api/templates/{id}': {
    parameters: NoParams;
    get: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<S['Template']>; 404: Json<ErrorBody> };
    };
    patch: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody: Json<{ name?: string; description?: string | null; migration?: S['CreateMigration'] }>;
      responses: { 200: Json<S['Template']>; 400: Json<ErrorBody>; 404: Json<ErrorBody> };
    };
    delete: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 204: { content?: never }; 404: Json<ErrorBody> };
    };
  };
  '/api/templates/{id}/run': {
    parameters: NoParams;
    post: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 201: Json<{ id: string; name: string; status: string; [k: string]: unknown }>; 404: Json<ErrorBody>; 409: Json<ErrorBody> };
    };
  };
}
