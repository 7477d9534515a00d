/**
 * `npm run seed -- [rows]`: creates the seed's `sales_data` example table in the SingleStore
 * stand-in (SINGLESTORE_URL, default the local MariaDB) with deterministic rows.
 * Shape: id BIGINT UNSIGNED PK, date DATETIME(6), quantity INT, product VARCHAR,
 * amount DECIMAL(10,2), notes TEXT NULL, attrs JSON NULL (~110 bytes a row).
 */
import mysql from 'mysql2/promise';

export async function seedSales(url: string, rows: number, table = 'sales_data'): Promise<void> {
  // The table name is quoted below; callers pass plain names.
  const db = await mysql.createConnection({ uri: url, charset: 'utf8mb4' });
  const t = '`' + table.replace(/`/g, '``') + '`';
  await db.query(`DROP TABLE IF EXISTS ${t}`);
  await db.query(`CREATE TABLE ${t} (
    id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    date DATETIME(6) NOT NULL,
    quantity INT NOT NULL,
    product VARCHAR(64) NOT NULL,
    amount DECIMAL(10,2) NOT NULL,
    notes TEXT NULL,
    attrs JSON NULL
  ) DEFAULT CHARSET=utf8mb4`);
  const start = Date.UTC(2023, 0, 1);
  const batch = 2000;
  for (let from = 1; from <= rows; from += batch) {
    const values: unknown[][] = [];
    for (let id = from; id < Math.min(from + batch, rows + 1); id++) {
      const when = `${new Date(start + id * 600_000).toISOString().slice(0, 19).replace("T", " ")}.${String((id * 7919) % 1_000_000).padStart(6, "0")}`;
      values.push([
        id,
        when,
        (id * 7) % 100,
        `product-${id % 1000}`,
        ((id * 1237) % 100000) / 100,
        id % 4 === 0 ? null : `order ${id} shipped`,
        id % 5 === 0 ? null : JSON.stringify({ region: ['eu', 'us', 'apac'][id % 3], priority: id % 3 }),
      ]);
    }
    await db.query(`INSERT INTO ${t} (id, date, quantity, product, amount, notes, attrs) VALUES ?`, [values]);
  }
  await db.end();
}

if (require.main === module) {
  const rows = Number(process.argv[2] ?? 100_000);
  const url = process.env.SINGLESTORE_URL ?? 'mysql://root@127.0.0.1:3306/test';
  seedSales(url, rows)
    .then(() => console.log(`sales_data: ${rows} rows`))
    .catch((err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
