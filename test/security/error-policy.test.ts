/** What a failure may say outside the worker: class and object, never server text, addresses or user names. */
import { describe, expect, it } from 'vitest';
import { toFailure } from '../../activities/failures';
import { createRedactor, scrubEndpoints } from '../../activities/redact';
import { sanitizeError as pgError } from '../../connectors/postgres/pool';
import { sanitizeError as myError } from '../../connectors/singlestore/pool';
import { PermanentError } from '../../connectors/types';

describe('error policy', () => {
  it('PostgreSQL errors keep their class and SQLSTATE, not the server text', () => {
    const e = pgError(Object.assign(new Error('invalid input syntax for type integer: "postgresPostgreSQL 16.2 on x86_64"'), { code: '22P02' }), 'pw', 'count');
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toBe('count: a value does not fit (data error) (22P02)');
    const t = pgError(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }), 'pw');
    expect(t).toBeInstanceOf(PermanentError);
    expect(t.message).toMatch(/statement timeout/);
    const net = pgError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' }), 'pw');
    expect(net).not.toBeInstanceOf(PermanentError);
    expect(net.message).not.toMatch(/10\.0\.0\.7/);
  });

  it('MySQL errors keep their class and errno, not the server text', () => {
    const e = myError(Object.assign(new Error("XPATH syntax error: '~root@127.0.0.1'"), { errno: 1105, code: 'ER_UNKNOWN_ERROR' }), 'pw');
    expect(e.message).toBe('the database reported an error (1105)');
    const ro = myError(Object.assign(new Error('Cannot execute statement in a READ ONLY transaction'), { errno: 1792 }), 'pw');
    expect(ro).toBeInstanceOf(PermanentError);
    expect(ro.message).toMatch(/read-only/);
    const d = myError(Object.assign(new Error("Incorrect integer value: 'secret row value' for column"), { errno: 1366 }), 'pw');
    expect(d).toBeInstanceOf(PermanentError);
    expect(d.message).not.toMatch(/secret row value/);
  });

  it('activity failures lose addresses and user@host forms (the log keeps them)', () => {
    expect(scrubEndpoints("connect ECONNREFUSED 10.1.2.3:8088 as 'app'@'10.0.0.1' or bob@db.example.com, [::1]:5432, api.example.com:443")).toBe(
      'connect ECONNREFUSED <host> as <user>@<host> or <user>@<host>, <host>, <host>',
    );
    expect(scrubEndpoints('key [1] of table t.x')).toBe('key [1] of table t.x');
    const f = toFailure(new Error('fetch failed: connect ECONNREFUSED 192.168.1.9:8088 token s3cr3t-token'), createRedactor(['s3cr3t-token']));
    expect(f.message).toBe('fetch failed: connect ECONNREFUSED <host> token ***');
  });
});
