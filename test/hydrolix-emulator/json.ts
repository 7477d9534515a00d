// Exact JSON parser. JSON.parse turns 18446744073709551615 into 18446744073709552000, which
// would hide exactly the precision bugs the emulator exists to catch, so numbers keep their text.

export class JsonNumber {
  constructor(readonly text: string) {}
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
}
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export class JsonParseError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at position ${position}`);
  }
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber);
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  fail(msg: string): never {
    throw new JsonParseError(msg, this.pos);
  }
  ws(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }
  value(depth: number): JsonValue {
    if (depth > 512) this.fail('nesting too deep');
    this.ws();
    const c = this.s[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER_RE.lastIndex = this.pos;
      const m = NUMBER_RE.exec(this.s);
      if (!m) this.fail('invalid number');
      this.pos += m[0].length;
      return new JsonNumber(m[0]);
    }
    for (const [lit, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(lit, this.pos)) {
        this.pos += lit.length;
        return v;
      }
    }
    return this.fail(c === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(c)}`);
  }
  object(depth: number): JsonObject {
    this.pos++;
    // Null prototype: keys such as "__proto__" or "constructor" are just data.
    const out = Object.create(null) as JsonObject;
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail('expected string key');
      const k = this.string();
      this.ws();
      if (this.s[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      out[k] = this.value(depth + 1); // duplicate keys: last wins, like Go's encoding/json
      this.ws();
      const c = this.s[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }
  array(depth: number): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }
  string(): string {
    const s = this.s;
    this.pos++;
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string');
      const c = s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += s.slice(start, this.pos++);
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += s.slice(start, this.pos);
      const e = s[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = s.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.pos -= 2;
          this.fail('invalid escape');
      }
      start = this.pos;
    }
  }
}

/** Parses exactly one JSON document. */
export function parseJson(text: string): JsonValue {
  const p = new Parser(text.replace(/^\uFEFF/, ''));
  const v = p.value(0);
  p.ws();
  if (p.pos !== p.s.length) p.fail('unexpected trailing data');
  return v;
}

/** Parses whitespace-separated JSON documents: covers a single document, NDJSON and concatenated JSON. */
export function parseJsonSequence(text: string): JsonValue[] {
  const p = new Parser(text.replace(/^\uFEFF/, ''));
  const out: JsonValue[] = [];
  p.ws();
  while (p.pos < p.s.length) {
    out.push(p.value(0));
    p.ws();
  }
  return out;
}

/** Serialises keeping number text verbatim. */
export function stringifyExact(v: JsonValue): string {
  if (v instanceof JsonNumber) return v.text;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stringifyExact).join(',')}]`;
  return `{${Object.keys(v)
    .map((k) => `${JSON.stringify(k)}:${stringifyExact(v[k])}`)
    .join(',')}}`;
}

export function describeJson(v: JsonValue | undefined): string {
  if (v === undefined) return 'missing';
  if (v instanceof JsonNumber) return `number ${v.text}`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Plain JS value for inspection output: numbers that JS cannot hold exactly become their decimal text. */
export function toPlain(v: JsonValue): unknown {
  if (v instanceof JsonNumber) {
    const n = Number(v.text);
    return v.isInteger && !Number.isSafeInteger(n) ? v.text : n;
  }
  if (Array.isArray(v)) return v.map(toPlain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).map((k) => [k, toPlain(v[k])]));
  return v;
}
