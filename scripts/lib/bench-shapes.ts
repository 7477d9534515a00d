/**
 * The bench's table shapes: MariaDB DDL and a deterministic generator per column, seeded with
 * INSERT … SELECT over MariaDB's sequence engine (`seq_1_to_N`), so seeding a million rows takes
 * seconds and every run loads the same bytes. `n` in a generator is the row number (1-based).
 */

export interface ShapeColumn {
  name: string;
  /** MariaDB column type, with NULL/NOT NULL. */
  mysql: string;
  /** SQL expression of the row number `n`. */
  gen: string;
}

export interface Shape {
  id: string;
  /** MariaDB table (and the base of every destination table's name). */
  table: string;
  /** Rows at BENCH_SCALE=1. */
  defaultRows: number;
  columns: ShapeColumn[];
  key: string[];
  /** One line for the report. */
  describe: string;
}

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
/** One of `values`, picked by an integer expression. */
const pick = (expr: string, values: string[]) => `ELT(1 + (${expr}) % ${values.length}, ${values.map(q).join(', ')})`;

/** The seed's sales_data (scripts/seed-sales.ts, same values) plus `is_gift TINYINT(1)`. */
const sales: Shape = {
  id: 'sales',
  table: 'bench_sales',
  defaultRows: 1_000_000,
  key: ['id'],
  describe: 'seed sales_data + is_gift TINYINT(1); JSON attrs',
  columns: [
    { name: 'id', mysql: 'BIGINT UNSIGNED NOT NULL', gen: 'n' },
    {
      name: 'date',
      mysql: 'DATETIME(6) NOT NULL',
      gen: `TIMESTAMP'2023-01-01 00:00:00' + INTERVAL n * 600 SECOND + INTERVAL (n * 7919) % 1000000 MICROSECOND`,
    },
    { name: 'quantity', mysql: 'INT NOT NULL', gen: '(n * 7) % 100' },
    { name: 'product', mysql: 'VARCHAR(64) NOT NULL', gen: `CONCAT('product-', n % 1000)` },
    { name: 'amount', mysql: 'DECIMAL(10,2) NOT NULL', gen: '((n * 1237) % 100000) / 100' },
    { name: 'notes', mysql: 'TEXT NULL', gen: `IF(n % 4 = 0, NULL, CONCAT('order ', n, ' shipped'))` },
    {
      name: 'attrs',
      mysql: 'JSON NULL',
      gen: `IF(n % 5 = 0, NULL, CONCAT('{"region":"', ${pick('n', ['eu', 'us', 'apac'])}, '","priority":', n % 3, '}'))`,
    },
    { name: 'is_gift', mysql: 'TINYINT(1) NOT NULL', gen: 'n % 7 = 0' },
  ],
};

/**
 * 16 MySQL types, four columns of each (65 with the key): the second and fourth of each type are
 * nullable and hold NULL in about one row in ten. Values stay inside what every contender can
 * load: TIME within a day (pgloader maps TIME to `time`), no zero dates.
 */
function wideColumns(): ShapeColumn[] {
  const types: Array<[string, string, (k: number) => string]> = [
    ['i', 'INT', (k) => `(n * ${k + 7}) % 2000000 - 1000000`],
    ['big', 'BIGINT', (k) => `n * ${9973 + k} * 1000`],
    ['flag', 'TINYINT(1)', (k) => `(n + ${k}) % 2`],
    ['dec', 'DECIMAL(14,4)', (k) => `((n * ${37 + k}) % 100000000) / 10000`],
    ['name', 'VARCHAR(64)', (k) => `CONCAT('name-', ${k}, '-', n % 5000)`],
    ['dt', 'DATETIME', (k) => `TIMESTAMP'2020-01-01 00:00:00' + INTERVAL n * 67 + ${k * 1000} SECOND`],
    ['dbl', 'DOUBLE', (k) => `SQRT(n + ${k}) * 3.14159`],
    ['state', "ENUM('new','paid','shipped','returned')", (k) => pick(`n + ${k}`, ['new', 'paid', 'shipped', 'returned'])],
    ['doc', 'JSON', (k) => `CONCAT('{"k":', ${k}, ',"n":', n, ',"tag":"', ${pick('n', ['a', 'b', 'c'])}, '"}')`],
    ['d', 'DATE', (k) => `DATE'2000-01-01' + INTERVAL (n + ${k}) % 9000 DAY`],
    ['ts', 'TIMESTAMP', (k) => `TIMESTAMP'2021-01-01 00:00:00' + INTERVAL n * 13 + ${k} SECOND`],
    ['bits', 'BIT(8)', (k) => `(n + ${k}) % 256`],
    ['tm', 'TIME', (k) => `SEC_TO_TIME((n * 7 + ${k}) % 86400)`],
    ['yr', 'YEAR', (k) => `1901 + (n + ${k}) % 255`],
    ['bin', 'VARBINARY(16)', (k) => `UNHEX(MD5(n * 4 + ${k}))`],
    ['code', 'CHAR(10)', (k) => `LPAD(n % 100000 + ${k}, 10, 'x')`],
  ];
  const cols: ShapeColumn[] = [{ name: 'id', mysql: 'INT NOT NULL', gen: 'n' }];
  for (let k = 0; k < 4; k++) {
    for (const [prefix, type, gen] of types) {
      const nullable = k % 2 === 1;
      // TIMESTAMP NULL: without it MariaDB gives the first TIMESTAMP column ON UPDATE CURRENT_TIMESTAMP.
      cols.push({
        name: `${prefix}_${k}`,
        mysql: `${type} ${nullable ? 'NULL' : 'NOT NULL'}${type === 'TIMESTAMP' && !nullable ? " DEFAULT '2000-01-01 00:00:00'" : ''}`,
        gen: nullable ? `IF((n + ${k}) % 10 = 0, NULL, ${gen(k)})` : gen(k),
      });
    }
  }
  return cols;
}

const wide: Shape = {
  id: 'wide',
  table: 'bench_wide',
  defaultRows: 300_000,
  key: ['id'],
  describe: '65 columns, 16 types (BIT, TIME, YEAR, VARBINARY, TIMESTAMP, ENUM, JSON, …)',
  columns: wideColumns(),
};

/**
 * 2,048 pseudo-random bytes per row (all 256 byte values, so NUL, tab, newline and backslash),
 * one row in 50 empty and one in 97 NULL.
 */
const blobBytes = `REPEAT(CONCAT(UNHEX(SHA2(n, 512)), UNHEX(SHA2(n + 1, 512)), UNHEX(SHA2(n + 2, 512)), UNHEX(SHA2(n + 3, 512))), 8)`;
const blob: Shape = {
  id: 'blob',
  table: 'bench_blob',
  defaultRows: 100_000,
  key: ['id'],
  describe: 'narrow, 2 KB BLOB per row',
  columns: [
    { name: 'id', mysql: 'BIGINT NOT NULL', gen: 'n' },
    { name: 'created', mysql: 'DATETIME NOT NULL', gen: `TIMESTAMP'2022-06-01 00:00:00' + INTERVAL n * 31 SECOND` },
    { name: 'payload', mysql: 'BLOB NULL', gen: `IF(n % 97 = 0, NULL, IF(n % 50 = 0, '', ${blobBytes}))` },
  ],
};

/** Multilingual text with 2-, 3- and 4-byte UTF-8 (accents, CJK, emoji); substrings cut on characters. */
const PARAGRAPH =
  'Grüße aus München — café, naïve façade, smørrebrød, Ærø. 東京の天気は晴れです。今日は良い日ですね。' +
  '北京欢迎你，上海浦东。서울의 봄은 아름답습니다. Привет, мир! Καλημέρα κόσμε. مرحبا بالعالم. ' +
  '🚀 launch 🎉 party 👩‍💻 coding 🧪 test 🍣 sushi 🇯🇵 flag. Ça va? ¿Qué tal, señor Núñez? Zürich, Kraków, Øresund. ';
const TENANTS = ['acme', 'café-crème', '東京支店', 'münchen', 'børsen', '🚀-rockets', 'señora', 'zürich-ost'];
const text: Shape = {
  id: 'text',
  table: 'bench_text',
  defaultRows: 500_000,
  key: ['tenant', 'doc_id'],
  describe: 'multibyte text (CJK, emoji, accents), key (VARCHAR, INT)',
  columns: [
    { name: 'tenant', mysql: 'VARCHAR(40) NOT NULL', gen: pick('n', TENANTS) },
    { name: 'doc_id', mysql: 'INT NOT NULL', gen: `n DIV ${TENANTS.length}` },
    { name: 'title', mysql: 'VARCHAR(200) NOT NULL', gen: `SUBSTRING(${q(PARAGRAPH.repeat(2))}, 1 + (n * 7) % ${[...PARAGRAPH].length}, 20 + n % 60)` },
    { name: 'author', mysql: 'VARCHAR(64) NULL', gen: `IF(n % 9 = 0, NULL, ${pick('n * 3', ['Zoë Ångström', '李小龙', 'Søren Kierkegaard', 'José Núñez', '田中 花子', 'Frédéric Chopin'])})` },
    { name: 'body', mysql: 'TEXT NOT NULL', gen: `SUBSTRING(${q(PARAGRAPH.repeat(3))}, 1 + (n * 37) % ${[...PARAGRAPH].length}, 150 + (n * 13) % 300)` },
    { name: 'lang', mysql: 'CHAR(5) NOT NULL', gen: pick('n', ['de-DE', 'ja-JP', 'zh-CN', 'ko-KR', 'ru-RU', 'el-GR', 'ar-SA', 'fr-FR']) },
    { name: 'updated_at', mysql: 'DATETIME(3) NOT NULL', gen: `TIMESTAMP'2024-03-01 00:00:00' + INTERVAL n * 1500 MICROSECOND` },
  ],
};

export const SHAPES: Shape[] = [sales, wide, blob, text];

/** The sales shape at another row count (the RSS run): same columns, its own table. */
export function salesAt(table: string): Shape {
  return { ...sales, id: 'sales-big', table };
}

export function createTableSql(shape: Shape, signature: string): string {
  const defs = shape.columns.map((c) => `\`${c.name}\` ${c.mysql}`);
  defs.push(`PRIMARY KEY (${shape.key.map((k) => `\`${k}\``).join(', ')})`);
  return `CREATE TABLE \`${shape.table}\` (\n  ${defs.join(',\n  ')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT=${q(signature)}`;
}

/** INSERT … SELECT of rows from..to (inclusive) from the sequence engine (signed, so `n - k` may go below 0). */
export function insertSql(shape: Shape, from: number, to: number): string {
  const names = shape.columns.map((c) => `\`${c.name}\``).join(', ');
  const sel = shape.columns.map((c) => c.gen).join(',\n  ');
  return `INSERT INTO \`${shape.table}\` (${names})\nSELECT\n  ${sel}\nFROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_${from}_to_${to}) AS s`;
}
