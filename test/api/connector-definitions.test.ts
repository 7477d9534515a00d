/**
 * Adding a connector touches no file in api/: a definition registered before the API loads is a
 * valid source_type/destination_type, its config is checked against its own schema, its fields
 * reach the destination spec, and the OpenAPI document describes it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { columnsField, configObject, identifier, writeModeField } from '../../connectors/config-fields';
import { defineConnector, definitionOf } from '../../connectors/definitions';

defineConnector({
  type: 'OBJECT_STORE',
  title: 'Object store (test)',
  envPrefix: 'OBJECT_STORE',
  destination: {
    config: configObject({
      table: identifier('table'),
      bucket: identifier('bucket').describe('Where the files go'),
      compress: identifier('compress').optional(),
      write_mode: writeModeField(['append']),
      columns: columnsField,
    }).meta({ title: 'OBJECT_STORE destination_config' }),
    capabilities: { writeModes: ['append'], upsertInPlace: false, atomicReplace: false, columnMapping: true },
  },
});

let checkMigrationRequest: typeof import('../../api/migration-input').checkMigrationRequest;
let toMigrationInput: typeof import('../../api/migration-input').toMigrationInput;
let createApp: typeof import('../../api/app').createApp;

// The API loads after the definition, as in a process that registers its connectors at start.
beforeAll(async () => {
  ({ checkMigrationRequest, toMigrationInput } = await import('../../api/migration-input'));
  ({ createApp } = await import('../../api/app'));
});

const body = {
  name: 'to files',
  source_type: 'POSTGRES',
  source_config: { table: 'sales' },
  destination_type: 'OBJECT_STORE',
  destination_config: { table: 'sales', bucket: 'archive', columns: { secret_notes: { skip: true } } },
};

describe('a connector added by its definition alone', () => {
  it('is accepted as a destination, with its own config schema', () => {
    expect(definitionOf('OBJECT_STORE')?.destination).toBeDefined();
    const checked = checkMigrationRequest(body);
    expect(checked).toMatchObject({ ok: true });
    if (!checked.ok) return;
    const input = toMigrationInput(checked.value, 'mig-1', '2026-01-01T00:00:00Z');
    expect(input.destination).toEqual({
      type: 'OBJECT_STORE',
      spec: { table: 'sales', options: { bucket: 'archive', write_mode: 'append' }, columns: { secret_notes: { skip: true } } },
    });
  });

  it('refuses what its schema does not hold, naming the field', () => {
    const paths = (b: unknown) => {
      const r = checkMigrationRequest(b);
      return r.ok ? [] : r.errors.map((e) => e.path);
    };
    expect(paths({ ...body, destination_config: { table: 'sales' } })).toEqual(['destination_config.bucket']);
    expect(paths({ ...body, destination_config: { ...body.destination_config, schema: 'x' } })).toEqual(['destination_config.schema']);
    expect(paths({ ...body, destination_config: { ...body.destination_config, write_mode: 'upsert' } })).toEqual(['destination_config.write_mode']);
    // It has no source role.
    expect(paths({ ...body, source_type: 'OBJECT_STORE' })).toEqual(['source_type']);
  });

  it('appears in the OpenAPI document', async () => {
    const app = createApp({ client: {} as never, connection: {} as never, taskQueue: 'defs-test' });
    const doc = (await (await app.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    const component = doc.components.schemas.ObjectStoreDestinationConfig;
    expect(component?.properties).toHaveProperty('bucket');
    expect(component?.properties).toHaveProperty('columns');
    expect(component?.required).toEqual(['table', 'bucket']);
    const request = JSON.stringify(doc.components.schemas.CreateMigrationRequest);
    expect(request).toContain('"OBJECT_STORE"');
    expect(request).toContain('#/components/schemas/ObjectStoreDestinationConfig');
  });
});
