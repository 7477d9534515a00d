import { PermanentError, type KeyTuple, type Row, type TableSchema } from '../connectors/types';

/** Positions of the key columns in a row. */
export function keyIndexes(schema: TableSchema): number[] {
  return schema.key.map((name) => {
    const i = schema.columns.findIndex((c) => c.name === name);
    if (i < 0) throw new PermanentError(`ordering key column "${name}" is not among the columns read`);
    return i;
  });
}

/** The key of a row, as a JSON-safe tuple (keys travel through Temporal heartbeats and state). */
export function keyOf(row: Row, indexes: number[], schema: TableSchema): KeyTuple {
  return indexes.map((i) => {
    const v = row[i];
    if (typeof v === 'string' || typeof v === 'number') return v;
    // Binary keys travel as hex, as the connectors' own cursors do (toKeyValue).
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
    throw new PermanentError(
      `ordering key column "${schema.columns[i].name}" holds NULL; choose source_config.order_by with non-null scalar columns`,
    );
  });
}
