/**
 * fast-check arbitraries for a MariaDB table: columns in every MySQL/MariaDB spelling the source
 * maps (connectors/singlestore/type-map.ts), nullable or not, an integer, VARCHAR, UUID, binary or
 * composite key, and rows biased towards edge values. A case is plain data, so a shrunk
 * counterexample prints as a literal that a regression test can paste.
 */
import fc from 'fast-check';

/** A column type as MariaDB spells it, with what value generation needs to know. */
export type SqlType =
  | { t: 'int'; name: 'tinyint' | 'smallint' | 'mediumint' | 'int' | 'bigint'; unsigned: boolean }
  | { t: 'bool' }
  | { t: 'decimal'; p: number; s: number }
  | { t: 'float' }
  | { t: 'double' }
  | { t: 'date' }
  | { t: 'datetime'; fsp: number }
  | { t: 'timestamp'; fsp: number }
  | { t: 'time'; fsp: number }
  | { t: 'year' }
  | { t: 'char'; n: number }
  | { t: 'varchar'; n: number }
  | { t: 'text'; name: 'tinytext' | 'text' | 'mediumtext' | 'longtext' }
  | { t: 'enum'; values: string[] }
  | { t: 'set'; values: string[] }
  | { t: 'json' }
  | { t: 'binary'; n: number }
  | { t: 'varbinary'; n: number }
  | { t: 'blob'; name: 'tinyblob' | 'blob' | 'mediumblob' | 'longblob' }
  | { t: 'bit'; n: number };

export interface ColDef {
  name: string;
  type: SqlType;
  nullable: boolean;
}

export type KeyShape = 'int' | 'varchar' | 'uuid' | 'uuid-binary' | 'composite' | 'temporal' | 'decimal';

/** One generated value: SQL text (inserted as a literal of the column's kind), bytes, or NULL. */
export type SqlValue = string | Uint8Array | null;

export interface TableCase {
  collation: 'utf8mb4_bin' | 'utf8mb4_general_ci';
  columns: ColDef[];
  /** Names of the primary key's columns, in key order. */
  key: string[];
  rows: SqlValue[][];
}

const INT_RANGE: Record<string, [bigint, bigint]> = {
  tinyint: [-128n, 127n], smallint: [-32768n, 32767n], mediumint: [-8388608n, 8388607n],
  int: [-2147483648n, 2147483647n], bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};
export function intRange(name: string, unsigned: boolean): [bigint, bigint] {
  const [lo, hi] = INT_RANGE[name];
  return unsigned ? [0n, hi * 2n + 1n] : [lo, hi];
}

export function ddlType(t: SqlType): string {
  const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  switch (t.t) {
    case 'int': return `${t.name}${t.unsigned ? ' unsigned' : ''}`;
    case 'bool': return 'tinyint(1)';
    case 'decimal': return `decimal(${t.p},${t.s})`;
    case 'float': return 'float';
    case 'double': return 'double';
    case 'date': return 'date';
    case 'datetime': return `datetime(${t.fsp})`;
    case 'timestamp': return `timestamp(${t.fsp})`;
    case 'time': return `time(${t.fsp})`;
    case 'year': return 'year';
    case 'char': return `char(${t.n})`;
    case 'varchar': return `varchar(${t.n})`;
    case 'text': return t.name;
    case 'enum': return `enum(${t.values.map(lit).join(',')})`;
    case 'set': return `set(${t.values.map(lit).join(',')})`;
    case 'json': return 'json';
    case 'binary': return `binary(${t.n})`;
    case 'varbinary': return `varbinary(${t.n})`;
    case 'blob': return t.name;
    case 'bit': return `bit(${t.n})`;
  }
}

const ENUM_POOL = ['small', "it's", 'b\\c', 'ü', '😀', '', 'x y', 'NULL'];
const SET_POOL = ['a', 'b', "it's", 'ü', '😀', 'x y'];

const sqlType: fc.Arbitrary<SqlType> = fc.oneof(
  fc.record({
    t: fc.constant('int' as const),
    name: fc.constantFrom('tinyint', 'smallint', 'mediumint', 'int', 'bigint' as const),
    unsigned: fc.boolean(),
  }),
  fc.constant({ t: 'bool' as const }),
  fc.integer({ min: 1, max: 65 }).chain((p) =>
    fc.integer({ min: 0, max: Math.min(p, 30) }).map((s) => ({ t: 'decimal' as const, p, s })),
  ),
  fc.constant({ t: 'float' as const }),
  fc.constant({ t: 'double' as const }),
  fc.constant({ t: 'date' as const }),
  fc.integer({ min: 0, max: 6 }).map((fsp) => ({ t: 'datetime' as const, fsp })),
  fc.integer({ min: 0, max: 6 }).map((fsp) => ({ t: 'timestamp' as const, fsp })),
  fc.integer({ min: 0, max: 6 }).map((fsp) => ({ t: 'time' as const, fsp })),
  fc.constant({ t: 'year' as const }),
  fc.integer({ min: 1, max: 40 }).map((n) => ({ t: 'char' as const, n })),
  fc.constantFrom(1, 5, 50, 255, 1000).map((n) => ({ t: 'varchar' as const, n })),
  fc.constantFrom('tinytext', 'text', 'mediumtext', 'longtext' as const).map((name) => ({ t: 'text' as const, name })),
  fc.uniqueArray(fc.constantFrom(...ENUM_POOL), { minLength: 1, maxLength: 5 }).map((values) => ({ t: 'enum' as const, values })),
  fc.uniqueArray(fc.constantFrom(...SET_POOL), { minLength: 1, maxLength: 5 }).map((values) => ({ t: 'set' as const, values })),
  fc.constant({ t: 'json' as const }),
  fc.integer({ min: 1, max: 32 }).map((n) => ({ t: 'binary' as const, n })),
  fc.constantFrom(1, 16, 255).map((n) => ({ t: 'varbinary' as const, n })),
  fc.constantFrom('tinyblob', 'blob', 'mediumblob', 'longblob' as const).map((name) => ({ t: 'blob' as const, name })),
  fc.integer({ min: 1, max: 64 }).map((n) => ({ t: 'bit' as const, n })),
);

/** Column names: mostly plain, sometimes ones that need quoting or a Hydrolix-safe rename. */
const decoratedName = (i: number) =>
  fc.constantFrom(`c${i}`, `c${i}`, `c${i}`, `Col ${i}`, `sel"ect${i}`, `a\`b${i}`, `ü${i}`);

/** Edge-weighted pick: the edges as often as arbitrary values. */
function edged<T>(edges: T[], other: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: fc.constantFrom(...edges), weight: 1 }, { arbitrary: other, weight: 1 });
}

const pad = (n: number | bigint, w: number) => String(n).padStart(w, '0');
const fraction = (fsp: number) =>
  fsp === 0 ? fc.constant('') : fc.integer({ min: 0, max: 10 ** fsp - 1 }).map((f) => `.${pad(f, fsp)}`);

const DAY = 86_400_000;
function dateBetween(lo: string, hi: string): fc.Arbitrary<string> {
  const a = Date.parse(`${lo}T00:00:00Z`) / DAY;
  const b = Date.parse(`${hi}T00:00:00Z`) / DAY;
  return fc.integer({ min: a, max: b }).map((d) => new Date(d * DAY).toISOString().slice(0, 10));
}
const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m, s]) => `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`);

const dateEdges = ['1000-01-01', '9999-12-31', '1970-01-01', '1969-12-31', '1900-01-01', '1899-12-31', '2283-11-11', '2283-11-12', '2106-02-07', '2106-02-08', '2000-02-29'];
/** Dates: edges, the whole MySQL range, and often the range every destination holds (1970..2106). */
const anyDate = fc.oneof(
  { arbitrary: fc.constantFrom(...dateEdges), weight: 4 },
  { arbitrary: dateBetween('1000-01-01', '9999-12-31'), weight: 3 },
  { arbitrary: dateBetween('1970-01-01', '2106-02-06'), weight: 6 },
  // Zero dates (legal without NO_ZERO_DATE / NO_ZERO_IN_DATE): no destination stores them.
  { arbitrary: fc.constantFrom('0000-00-00', '2020-05-00', '2020-00-05'), weight: 1 },
);

const TEXT_SPECIALS = ['', ' ', 'a ', '\\N', 'NULL', '\t', '\n', '\r\n', '\\', '"', "'", '😀', '👨‍👩‍👧', '中文', 'é', '\u00a0', ','];
/** Strings from pieces that stress escaping and multibyte handling. */
const textPiece = fc.oneof(fc.constantFrom(...TEXT_SPECIALS), fc.string({ unit: 'grapheme', maxLength: 6 }));
const text = (maxChars: number) =>
  fc.oneof(
    { arbitrary: fc.array(textPiece, { maxLength: 6 }), weight: 40 },
    // A NUL character: MariaDB stores it, PostgreSQL text cannot.
    { arbitrary: fc.array(textPiece, { maxLength: 2 }).map((p) => [...p, '\u0000']), weight: 1 },
  ).map((parts) => [...parts.join('')].slice(0, maxChars).join(''));

function jsonText(): fc.Arbitrary<string> {
  return edged(
    ['{}', '[]', '"x"', 'null', '0', '12345678901234567890', '-1.5e-7', '[1, 2.50]', '{"b":1,"a":[true,false,null]}', '{"a":1,"a":2}', '"\\t\\n\\\\ 😀"', '{"k": "\\u00e9"}', '"\\u0000"'],
    fc.json({ maxDepth: 2 }),
  );
}

const bigintText = (lo: bigint, hi: bigint) =>
  edged([lo, hi, 0n, lo === 0n ? 1n : -1n, 1n].filter((v) => v >= lo && v <= hi), fc.bigInt({ min: lo, max: hi })).map(String);

/** Values for a column (never NULL: the caller adds NULL for nullable columns). */
export function valueOf(t: SqlType): fc.Arbitrary<SqlValue> {
  switch (t.t) {
    case 'int': {
      const [lo, hi] = intRange(t.name, t.unsigned);
      return bigintText(lo, hi);
    }
    case 'bool':
      // 0/1 mostly; other TINYINT(1) values are legal at the source.
      return fc.oneof({ arbitrary: fc.constantFrom('0', '1'), weight: 40 }, { arbitrary: fc.constantFrom('2', '-1', '127', '-128'), weight: 1 });
    case 'decimal': {
      const intDigits = t.p - t.s;
      const digits = (n: number) => (n === 0 ? fc.constant('') : fc.oneof(fc.constant('9'.repeat(n)), fc.stringMatching(new RegExp(`^[0-9]{1,${n}}$`))));
      return fc.tuple(fc.boolean(), digits(intDigits), digits(t.s)).map(([neg, i, f]) => `${neg ? '-' : ''}${i || '0'}${t.s ? `.${f || '0'}` : ''}`);
    }
    case 'float':
      return edged(['0', '-0', '1', '0.1', '3.40282e38', '-3.40282e38', '1.17549e-38', '16777217'],
        fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-3.4e38), max: Math.fround(3.4e38) }).map((f) => String(f)));
    case 'double':
      return edged(['0', '-0', '0.1', '1.7976931348623157e308', '-1.7976931348623157e308', '2.2250738585072014e-308', '5e-324', '9007199254740993', '123456789.123456789'],
        fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d)));
    case 'date':
      return anyDate;
    case 'datetime':
      return fc.tuple(anyDate, edged(['00:00:00', '23:59:59'], clock), edged(['', '.999999', '.5'], fraction(t.fsp)))
        .map(([d, c, f]) => `${d} ${c}${f}`);
    case 'timestamp':
      return fc.oneof(
        { arbitrary: fc.constantFrom('1970-01-01 00:00:01', '2038-01-19 03:14:07.999999', '2000-02-29 12:00:00.000001'), weight: 10 },
        { arbitrary: fc.tuple(dateBetween('1970-01-02', '2038-01-18'), clock, fraction(t.fsp)).map(([d, c, f]) => `${d} ${c}${f}`), weight: 10 },
        { arbitrary: fc.constant('0000-00-00 00:00:00'), weight: 1 },
      );
    case 'time':
      return edged(
        ['-838:59:59', '838:59:59', '00:00:00', '-00:00:01', '24:00:00', '-00:00:00.5'],
        fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 838 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fraction(t.fsp))
          .map(([neg, h, m, s, f]) => `${neg ? '-' : ''}${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${h === 838 ? '' : f}`),
      );
    case 'year':
      return edged(['1901', '2155', '0', '2000'], fc.integer({ min: 1901, max: 2155 }).map(String));
    case 'char':
      return text(t.n);
    case 'varchar':
      return t.n >= 1000 ? fc.oneof(text(200), fc.constant('😀'.repeat(t.n))) : text(t.n);
    case 'text': {
      const cap = { tinytext: 60, text: 16000, mediumtext: 100_000, longtext: 100_000 }[t.name];
      const long = cap >= 16000 ? [fc.constant(`${'é\n'.repeat(Math.floor(cap / 4))}\\end`)] : [];
      return fc.oneof({ arbitrary: text(Math.min(cap, 60)), weight: 6 }, ...long.map((arbitrary) => ({ arbitrary, weight: 1 })));
    }
    case 'enum':
      return fc.constantFrom(...t.values);
    case 'set':
      return fc.subarray(t.values).map((vs) => vs.join(','));
    case 'json':
      return jsonText();
    case 'binary':
      return fc.uint8Array({ maxLength: t.n });
    case 'varbinary':
      return edged([new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0xff, 0, 0x5c, 0x0a)], fc.uint8Array({ maxLength: Math.min(t.n, 40) }));
    case 'blob':
      return edged([new Uint8Array(0), Uint8Array.of(0), new Uint8Array(255).fill(0x09)], fc.uint8Array({ maxLength: 64 }));
    case 'bit': {
      const max = 2n ** BigInt(t.n) - 1n;
      return bigintText(0n, max);
    }
  }
}

/** Key columns for a key shape; their values must be unique (the caller deduplicates rows by key). */
function keyColumns(shape: KeyShape): fc.Arbitrary<ColDef[]> {
  switch (shape) {
    case 'int':
      return fc.record({
        t: fc.constant('int' as const),
        name: fc.constantFrom('tinyint', 'smallint', 'mediumint', 'int', 'bigint' as const),
        unsigned: fc.boolean(),
      }).map((type) => [{ name: 'id', type, nullable: false }]);
    case 'varchar':
      return fc.constantFrom(8, 64).map((n) => [{ name: 'k', type: { t: 'varchar', n }, nullable: false }]);
    case 'uuid':
      return fc.constant([{ name: 'uuid', type: { t: 'char', n: 36 }, nullable: false }]);
    case 'uuid-binary':
      return fc.constant([{ name: 'uuid', type: { t: 'binary', n: 16 }, nullable: false }]);
    case 'composite':
      return fc.constantFrom<ColDef[]>(
        [
          { name: 'k1', type: { t: 'int', name: 'int', unsigned: false }, nullable: false },
          { name: 'k2', type: { t: 'varchar', n: 20 }, nullable: false },
        ],
        [
          { name: 'day', type: { t: 'date' }, nullable: false },
          { name: 'n', type: { t: 'int', name: 'smallint', unsigned: true }, nullable: false },
        ],
      );
    case 'temporal':
      return fc.integer({ min: 0, max: 6 }).chain((fsp) =>
        fc.constantFrom<SqlType>({ t: 'datetime', fsp }, { t: 'timestamp', fsp }).map((type) => [{ name: 'at', type, nullable: false }]),
      );
    case 'decimal':
      return fc.constantFrom<SqlType>({ t: 'decimal', p: 10, s: 2 }, { t: 'decimal', p: 30, s: 10 }, { t: 'decimal', p: 65, s: 0 }).map((type) => [{ name: 'amount', type, nullable: false }]);
  }
}

function keyValue(c: ColDef, shape: KeyShape): fc.Arbitrary<SqlValue> {
  if (shape === 'uuid') return fc.uuid();
  if (shape === 'uuid-binary') return fc.uuid().map((u) => Uint8Array.from(Buffer.from(u.replace(/-/g, ''), 'hex')));
  if (c.type.t === 'varchar') return text(c.type.n).filter((s) => s !== null && s.length > 0);
  // Zero dates are refused in any NOT NULL column; other columns cover that, keys stay copyable.
  return valueOf(c.type).filter((v) => typeof v !== 'string' || !/^0000-00-00|^\d{4}-00-|^\d{4}-\d{2}-00/.test(v));
}

const keyString = (v: SqlValue) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v));

export interface TableArbOptions {
  maxColumns?: number;
  maxRows?: number;
  /** Restrict to these key shapes (default all). */
  keys?: KeyShape[];
  /** Leave out column types (e.g. ones a test cannot judge). */
  exclude?: Array<SqlType['t']>;
}

export function tableCase(opts: TableArbOptions = {}): fc.Arbitrary<TableCase> {
  const shapes = opts.keys ?? ['int', 'int', 'varchar', 'uuid', 'uuid-binary', 'composite', 'temporal', 'decimal'];
  const types = opts.exclude?.length ? sqlType.filter((t) => !opts.exclude!.includes(t.t)) : sqlType;
  return fc
    .record({
      shape: fc.constantFrom(...shapes),
      collation: fc.constantFrom('utf8mb4_bin', 'utf8mb4_general_ci' as const),
      others: fc.array(fc.record({ type: types, nullable: fc.boolean() }), { minLength: 1, maxLength: opts.maxColumns ?? 6 }),
    })
    .chain(({ shape, collation, others }) =>
      keyColumns(shape).chain((keyCols) =>
        fc.tuple(...others.map((_, i) => decoratedName(i))).chain((names) => {
          const columns: ColDef[] = [...keyCols, ...others.map((o, i) => ({ name: names[i], ...o }))];
          const cell = (c: ColDef, i: number) =>
            i < keyCols.length
              ? keyValue(c, shape)
              : c.nullable
                ? fc.oneof({ arbitrary: valueOf(c.type), weight: 3 }, { arbitrary: fc.constant(null), weight: 1 })
                : valueOf(c.type);
          const row = fc.tuple(...columns.map(cell));
          const selector = (r: SqlValue[]) => r.slice(0, keyCols.length).map(keyString).join('\u0000').toLowerCase();
          return fc.uniqueArray(row, { minLength: 1, maxLength: opts.maxRows ?? 12, selector }).map((rows) => ({
            collation,
            columns,
            key: keyCols.map((c) => c.name),
            rows,
          }));
        }),
      ),
    );
}
