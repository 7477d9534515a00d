/**
 * No silent change of a value: Hydrolix stores an empty field as missing (the `default` rule), so ''
 * would land as NULL. Through the API, a real worker and the emulator (which applies that rule): a
 * NOT NULL string or BLOB keeps '' (the transform gives it `"default": ""`), and every nullable column
 * where '' becomes NULL is named in `warnings` before the copy starts.
 */
import { expect, it } from 'vitest';
import { mariadb } from '../support/mariadb';
import { seededStack } from '../support/seeded-stack';
import { api } from '../support/stack';
import { StopWaiting, waitFor } from '../support/wait';

const project = 'e2e_empty';
const ctx = seededStack({
  prefix: 'es_empty',
  project,
  seed: async (t) => {
    const db = await mariadb();
    await db.query(`CREATE TABLE \`${t}\` (
      id INT PRIMARY KEY, at DATETIME NOT NULL,
      req VARCHAR(20) NOT NULL, opt VARCHAR(20) NULL, fixed CHAR(4) NULL, body TEXT NULL,
      kind ENUM('a','b') NULL, flags SET('x','y') NOT NULL, img BLOB NOT NULL, thumb BLOB NULL
    )`);
    await db.query(`INSERT INTO \`${t}\` VALUES
      (1, '2020-01-01 00:00:00', '', '', '', '', NULL, '', '', ''),
      (2, '2020-01-01 00:00:01', 'r', NULL, NULL, NULL, 'a', 'x', 'i', NULL),
      (3, '2020-01-01 00:00:02', 'r3', 'o3', 'f3', 'b3', 'b', 'x,y', 'j', 't')`);
    await db.end();
  },
});

it("keeps '' where a mapping can, and names every column where '' becomes NULL before copying", { timeout: 120_000 }, async () => {
  const created = await api(ctx.stack.app, 'POST', '/api/migrations', {
    name: 'empty values',
    source_type: 'SINGLESTORE',
    source_config: { table: ctx.table },
    destination_type: 'HYDROLIX',
    destination_config: { table: 'empties', timestamp_column: 'at' },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  // The warnings are there while rows are still being copied (set by createTable, before the copy).
  const early = await waitFor(
    async () => {
      const s = (await api(ctx.stack.app, 'GET', `/api/migrations/${id}`)).body;
      if (s.status === 'failed') throw new StopWaiting(`migration failed: ${s.error}`);
      return s.target ? s : undefined;
    },
    60_000,
    'the table to be created',
    20,
  );
  const final = await waitFor(
    async () => {
      const s = (await api(ctx.stack.app, 'GET', `/api/migrations/${id}`)).body;
      if (s.status === 'failed') throw new StopWaiting(`migration failed: ${s.error}`);
      return s.status === 'completed' ? s : undefined;
    },
    60_000,
    'completion',
    100,
  );
  const warned = (w: string[]) => ['opt', 'fixed', 'body', 'kind', 'thumb'].filter((c) => w.some((x) => x.startsWith(`${c}: `) && /becomes NULL/.test(x)));
  expect(warned(early.warnings)).toEqual(['opt', 'fixed', 'body', 'kind', 'thumb']);
  expect(final.warnings.filter((w: string) => /^(req|flags|img): .*NULL/.test(w))).toEqual([]);
  expect(final.verification).toMatchObject({ ok: true, source_rows: 3, destination_distinct_keys: 3, duplicates: 0 });

  const rows = ctx.stack.emulator.state.rows(project, 'empties').rows.sort((a, b) => Number(a.id) - Number(b.id));
  expect(rows.map((r) => [r.req, r.opt, r.fixed, r.body, r.flags, r.img, r.thumb])).toEqual([
    ['', null, null, null, '', '', null], // NOT NULL columns keep ''; nullable ones: '' → NULL, as warned
    ['r', null, null, null, 'x', Buffer.from('i').toString('base64'), null],
    ['r3', 'o3', 'f3', 'b3', 'x,y', Buffer.from('j').toString('base64'), Buffer.from('t').toString('base64')],
  ]);
});
