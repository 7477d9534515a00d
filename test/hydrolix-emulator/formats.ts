// ClickHouse output formats for /query results.
import { formatDateTime } from './datetime';
import type { QueryResult } from './query';
import { QueryError } from './sql';
import { Arr, chName, DT, is64Bit, JsonText, MapV, QType, Tuple, Value } from './values';

/** ClickHouse's "quoted" text form, used for values nested inside tuples/arrays/maps. */
function quoted(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return floatText(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (v instanceof DT) return `'${formatDateTime(v.ms, v.res)}'`;
  if (v instanceof JsonText) return `'${v.text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (v instanceof Tuple) return `(${v.items.map(quoted).join(',')})`;
  if (v instanceof Arr) return `[${v.items.map(quoted).join(',')}]`;
  return `{${(v as MapV).entries.map(([k, x]) => `${quoted(k)}:${quoted(x)}`).join(',')}}`;
}

function floatText(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** Plain text of a scalar (TSV/CSV body before escaping). */
function text(v: Exclude<Value, null>): string {
  if (typeof v === 'string') return v;
  if (v instanceof DT) return formatDateTime(v.ms, v.res);
  if (v instanceof JsonText) return v.text;
  if (typeof v === 'bigint' || typeof v === 'number' || v instanceof Tuple || v instanceof Arr || v instanceof MapV) return quoted(v);
  return String(v);
}

function csvField(v: Value): string {
  if (v === null) return '\\N';
  if (typeof v === 'bigint' || typeof v === 'number') return quoted(v);
  // ClickHouse writes a tuple's elements as separate CSV fields.
  if (v instanceof Tuple) return v.items.map(csvField).join(',');
  return `"${text(v).replace(/"/g, '""')}"`;
}

function tsvField(v: Value): string {
  if (v === null) return '\\N';
  return text(v).replace(/[\\\t\n\r\0\b\f]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', '\b': '\\b', '\f': '\\f' })[c]!);
}

/** JSON value; 64-bit ints are quoted (output_format_json_quote_64bit_integers=1). */
function jsonField(v: Value, t: QType): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return is64Bit(t) ? `"${v}"` : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof DT) return JSON.stringify(formatDateTime(v.ms, v.res));
  if (v instanceof JsonText) return v.text;
  if (v instanceof Tuple) return `[${v.items.map((x, i) => jsonField(x, t.k === 'tuple' ? t.items[i] : t)).join(',')}]`;
  if (v instanceof Arr) return `[${v.items.map((x) => jsonField(x, t.k === 'array' ? t.item : t)).join(',')}]`;
  return `{${(v as MapV).entries.map(([k, x]) => `${JSON.stringify(typeof k === 'string' ? k : quoted(k))}:${jsonField(x, t.k === 'map' ? t.val : t)}`).join(',')}}`;
}

export function renderResult(r: QueryResult, format: string): { contentType: string; body: string } {
  const names = r.columns.map((c) => c.name);
  switch (format) {
    case 'CSV': case 'CSVWithNames': {
      const lines = r.rows.map((row) => row.map(csvField).join(','));
      if (format === 'CSVWithNames') lines.unshift(names.map((n) => `"${n.replace(/"/g, '""')}"`).join(','));
      return { contentType: 'text/csv; charset=UTF-8; header=' + (format === 'CSV' ? 'absent' : 'present'), body: lines.map((l) => l + '\n').join('') };
    }
    case 'TabSeparated': case 'TSV': case 'TabSeparatedWithNames': case 'TSVWithNames': {
      const lines = r.rows.map((row) => row.map(tsvField).join('\t'));
      if (format.endsWith('WithNames')) lines.unshift(names.map((n) => tsvField(n)).join('\t'));
      return { contentType: 'text/tab-separated-values; charset=UTF-8', body: lines.map((l) => l + '\n').join('') };
    }
    case 'JSONEachRow': {
      const body = r.rows.map((row) => `{${row.map((v, i) => `${JSON.stringify(names[i])}:${jsonField(v, r.columns[i].type)}`).join(',')}}\n`).join('');
      return { contentType: 'application/x-ndjson; charset=UTF-8', body };
    }
    case 'JSON': {
      const meta = r.columns.map((c) => `\t\t{\n\t\t\t"name": ${JSON.stringify(c.name)},\n\t\t\t"type": ${JSON.stringify(chName(c.type))}\n\t\t}`).join(',\n');
      const data = r.rows.map((row) => `\t\t{\n${row.map((v, i) => `\t\t\t${JSON.stringify(names[i])}: ${jsonField(v, r.columns[i].type)}`).join(',\n')}\n\t\t}`).join(',\n');
      const extra = r.hasLimit ? `\t"rows_before_limit_at_least": ${r.rowsBeforeLimit},\n\n` : '';
      const body = `{\n\t"meta":\n\t[\n${meta}\n\t],\n\n\t"data":\n\t[\n${data}\n\t],\n\n\t"rows": ${r.rows.length},\n\n${extra}\t"statistics":\n\t{\n\t\t"elapsed": 0.000001,\n\t\t"rows_read": ${r.rowsRead},\n\t\t"bytes_read": 0\n\t}\n}\n`;
      return { contentType: 'application/json; charset=UTF-8', body };
    }
    default:
      throw new QueryError(73, 'UNKNOWN_FORMAT', `Unknown output format ${format} (the emulator implements JSON, JSONEachRow, CSV, CSVWithNames, TabSeparated[WithNames])`, 404);
  }
}
