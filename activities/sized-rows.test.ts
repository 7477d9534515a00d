import { describe, expect, it } from 'vitest';
import type { KeyRange, Row, SourceConnector, TableSchema } from '../connectors/types';
import { ROW_PAGE_BYTES, bytesPerRow, sizedRows } from './sized-rows';

const schema = {
  name: 't',
  columns: [
    { name: 'id', type: { kind: 'int', bits: 32 }, sourceType: 'int', nullable: false },
    { name: 'v', type: { kind: 'string' }, sourceType: 'text', nullable: false },
  ],
  key: ['id'],
} as unknown as TableSchema;

/** A keyset source over `rows` (id ascending) that records the page size each query asked for. */
function source(rows: Row[]) {
  const asked: number[] = [];
  const src = {
    async *readData(_spec: unknown, _schema: unknown, range: KeyRange, opts: { batchRows: number }) {
      asked.push(opts.batchRows);
      let i = range.after ? rows.findIndex((r) => Number(r[0]) > Number(range.after![0])) : 0;
      if (i < 0) return;
      for (;;) {
        const page = rows.slice(i, i + opts.batchRows).filter((r) => !range.upTo || Number(r[0]) <= Number(range.upTo[0]));
        if (page.length === 0) return;
        yield page;
        if (page.length < opts.batchRows) return;
        i += page.length;
      }
    },
  } as unknown as SourceConnector;
  return { src, asked };
}

async function collect(src: SourceConnector, range: KeyRange, max: number) {
  const pages: Row[][] = [];
  for await (const p of sizedRows(src, { table: 't' }, schema, range, max)) pages.push(p);
  return pages;
}

describe('sizedRows', () => {
  it('pages wide rows by bytes, narrow ones up to the row cap, every row once in key order', async () => {
    const wide: Row[] = Array.from({ length: 3000 }, (_, i) => [i + 1, 'ж'.repeat(10_000 + (i % 7))]);
    const w = source(wide);
    const pages = await collect(w.src, { after: null, upTo: null }, 5000);
    expect(pages.flat()).toEqual(wide);
    const perRow = bytesPerRow(wide.slice(0, 100));
    for (const p of pages) expect(p.length * perRow).toBeLessThanOrEqual(ROW_PAGE_BYTES * 1.4 + perRow * 200);
    expect(Math.max(...pages.slice(1).map((p) => p.length))).toBeLessThan(200); // the first page is the small probe

    const narrow: Row[] = Array.from({ length: 30_000 }, (_, i) => [i + 1, 'x']);
    const n = source(narrow);
    const np = await collect(n.src, { after: [10], upTo: [25_010] }, 5000);
    expect(np.flat()).toEqual(narrow.slice(10, 25_010));
    expect(Math.max(...np.map((p) => p.length))).toBe(5000);
    expect(n.asked).toEqual([200, 5000]);
  });
});
