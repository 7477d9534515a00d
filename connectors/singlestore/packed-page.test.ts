import { describe, expect, it } from 'vitest';
import { packRows, ROW_HEADER, rowFields } from '../packed-rows';
import { PackedPage } from './packed-page';

/** Rows as consecutive MySQL packets in one buffer, as a socket read delivers them; [start, end) of each payload. */
function packets(rows: string[][]): { chunk: Buffer; spans: Array<[number, number]> } {
  const chunk = packRows(rows, String); // packed rows are packets back to back
  const spans: Array<[number, number]> = [];
  let p = 0;
  while (p < chunk.length) {
    const n = chunk[p] | (chunk[p + 1] << 8) | (chunk[p + 2] << 16);
    spans.push([p + ROW_HEADER, p + ROW_HEADER + n]);
    p += ROW_HEADER + n;
  }
  return { chunk, spans };
}

const fieldsOf = (page: PackedPage, ncols: number): string[][] => {
  const payload = page.payload();
  const out: string[][] = [];
  let p = 0;
  while (p < payload.length) {
    out.push(rowFields(payload, p, ncols) as string[]);
    p += ROW_HEADER + (payload[p] | (payload[p + 1] << 8) | (payload[p + 2] << 16));
  }
  return out;
};

describe('PackedPage', () => {
  const rows = [
    ['1', 'a'],
    ['2', 'bb'],
    ['3', 'ccc'],
    ['4', 'dddd'],
  ];

  it('keeps rows from several reads, adjacent or not, and rows mysql2 reassembled without a header', () => {
    const a = packets(rows.slice(0, 2));
    const b = packets(rows.slice(2, 3));
    const page = new PackedPage(2, [], 4);
    for (const [s, e] of a.spans) page.add(a.chunk, s, e);
    // A reassembled packet: its own buffer, payload at offset 0.
    const lone = Buffer.from(b.chunk.subarray(b.spans[0][0], b.spans[0][1]));
    page.add(lone, 0, lone.length);
    const c = packets(rows.slice(3));
    page.add(c.chunk, c.spans[0][0], c.spans[0][1]);
    expect(page.rows).toBe(4);
    expect(fieldsOf(page, 2)).toEqual(rows);
    expect(rowFields(page.payload(), page.lastRow, 2)).toEqual(['4', 'dddd']);
  });

  it('points lastRow at the last row inside a run of adjacent packets', () => {
    const { chunk, spans } = packets(rows);
    const page = new PackedPage(2, [], 1 << 16);
    for (const [s, e] of spans.slice(0, 3)) page.add(chunk, s, e);
    expect(rowFields(page.payload(), page.lastRow, 2)).toEqual(['3', 'ccc']);
    expect(fieldsOf(page, 2)).toEqual(rows.slice(0, 3));
  });

  it('skips a gap in a buffer instead of copying it (a packet the hook did not pass on)', () => {
    const { chunk, spans } = packets(rows);
    const page = new PackedPage(2, [], 16);
    page.add(chunk, ...spans[0]);
    page.add(chunk, ...spans[2]);
    expect(fieldsOf(page, 2)).toEqual([rows[0], rows[2]]);
  });

  it('marks a page holding a zero date incomplete', () => {
    const { chunk, spans } = packets([['1', '2020-00-01 00:00:00'], ['2', '2020-01-01 00:00:00']]);
    const page = new PackedPage(2, [1], 16);
    for (const [s, e] of spans) page.add(chunk, s, e);
    expect(page.complete).toBe(false);
  });
});
