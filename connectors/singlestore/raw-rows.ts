/**
 * Text-protocol result rows as the raw bytes of their packets, for the text path (read-text.ts).
 *
 * mysql2 has no public way to skip decoding: even with `typeCast: false` it allocates one Buffer
 * per field. Its Query command is a state machine whose `fieldsEOF` step hands over to
 * `this.row`, so replacing `row` on one query instance receives each row packet untouched.
 * The hook is checked here and every read-text test goes through it, so a mysql2 release that
 * changes this fails the tests instead of silently decoding nothing.
 */

interface RowPacket {
  buffer: Buffer;
  offset: number;
  end: number;
  isEOF(): boolean;
}

type Step = (packet: RowPacket, connection: unknown) => unknown;

interface QueryCommand {
  row: Step;
  fieldsEOF?: Step;
}

/** Called with one row packet's payload: length-encoded fields, 0xFB for NULL. */
export type RawRowHandler = (buf: Buffer, start: number, end: number) => void;

/** Makes `query` pass its rows to `onRow` instead of decoding them; `failed` holds onRow's first error. */
export function takeRawRows(query: unknown, onRow: RawRowHandler): { failed: () => unknown } {
  const q = query as QueryCommand;
  const proto = Object.getPrototypeOf(q) as QueryCommand;
  if (typeof proto.row !== 'function' || typeof proto.fieldsEOF !== 'function') {
    throw new Error('unsupported mysql2 version: Query#row is not a state-machine step');
  }
  const decode = proto.row;
  let error: unknown;
  q.row = function (packet, connection) {
    if (packet.isEOF()) return decode.call(this, packet, connection);
    // Throwing here would break the connection's packet loop: keep draining, report at the end.
    if (error === undefined) {
      try {
        onRow(packet.buffer, packet.offset, packet.end);
      } catch (e) {
        error = e ?? new Error('row handler failed');
      }
    }
    return q.row;
  };
  return { failed: () => error };
}
