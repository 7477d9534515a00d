import { describe, expect, it } from 'vitest';
import { packRows, ROW_HEADER, rowFields } from '../packed-rows';
import { PackedPage, type ZeroDates } from './packed-page';

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
    const page = new PackedPage(2, null, 4);
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
    const page = new PackedPage(2, null, 1 << 16);
    for (const [s, e] of spans.slice(0, 3)) page.add(chunk, s, e);
    expect(rowFields(page.payload(), page.lastRow, 2)).toEqual(['3', 'ccc']);
    expect(fieldsOf(page, 2)).toEqual(rows.slice(0, 3));
  });

  it('skips a gap in a buffer instead of copying it (a packet the hook did not pass on)', () => {
    const { chunk, spans } = packets(rows);
    const page = new PackedPage(2, null, 16);
    page.add(chunk, ...spans[0]);
    page.add(chunk, ...spans[2]);
    expect(fieldsOf(page, 2)).toEqual([rows[0], rows[2]]);
  });

  /** Zero dates by the row path's rule: NULL in nullable columns 1 and 2, an error in column 3. */
  const zero = (seen: string[]): ZeroDates => ({
    columns: [1, 2, 3],
    epoch: [false, true, false],
    verdict: (i, text) => {
      seen.push(`${i}:${text}`);
      if (i === 3) throw new Error(`NOT NULL column holds the zero date ${text}`);
      return /-00/.test(text) || /^0+(\.0*)?$/.test(text) ? null : text;
    },
  });

  it('writes zero dates as NULL in the rows that hold them and copies the others as they came', () => {
    const input = [
      ['1', '2020-01-01', '1577836800.000000', '2020-01-01 00:00:00'],
      ['2', '2020-00-01', '1577836800.500000', '2021-01-01 00:00:00'],
      ['3', '2020-05-00', '0.000000', '2022-01-01 00:00:00.5'],
      ['4', '0000-00-00', '0', '2023-01-01 00:00:00'],
      ['5', '2020-01-01', '100000000', '2024-01-01 00:00:00'],
    ];
    const { chunk, spans } = packets(input);
    const seen: string[] = [];
    const page = new PackedPage(4, zero(seen), 16);
    for (const [s, e] of spans) page.add(chunk, s, e);
    expect(page.rows).toBe(5);
    expect(fieldsOf(page, 4)).toEqual([
      input[0],
      ['2', null, '1577836800.500000', '2021-01-01 00:00:00'],
      ['3', null, null, '2022-01-01 00:00:00.5'],
      ['4', null, null, '2023-01-01 00:00:00'],
      input[4],
    ]);
    expect(rowFields(page.payload(), page.lastRow, 4)).toEqual(input[4]);
    // Only fields that may be zero reach the verdict; '100000000' (epoch) and '2020-01-01' do not.
    expect(seen).toEqual(['1:2020-00-01', '1:2020-05-00', '2:0.000000', '1:0000-00-00', '2:0']);
  });

  it('takes the last row after a rewritten one as lastRow, and a rewritten last row too', () => {
    const input = [
      ['1', '2020-00-01', '1', '2020-01-01'],
      ['2', '2020-01-01', '2', '2020-01-01'],
    ];
    const { chunk, spans } = packets(input);
    const page = new PackedPage(4, zero([]), 16);
    page.add(chunk, ...spans[0]);
    expect(rowFields(page.payload(), page.lastRow, 4)).toEqual(['1', null, '1', '2020-01-01']);
    page.add(chunk, ...spans[1]);
    expect(rowFields(page.payload(), page.lastRow, 4)).toEqual(input[1]);
  });

  it('throws where the row path throws (a zero date in a NOT NULL column)', () => {
    const { chunk, spans } = packets([['1', '2020-01-01', '1', '2020-00-00']]);
    const page = new PackedPage(4, zero([]), 16);
    expect(() => page.add(chunk, ...spans[0])).toThrow(/NOT NULL column holds the zero date 2020-00-00/);
  });
});
