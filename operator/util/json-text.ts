// JSON text without recursion: live objects may nest as deep as the API server allows (10,000
// levels), deeper than the call stack of JSON.stringify (about 4,000) or structuredClone (about
// 1,900). Optionally with sorted keys (stable hashes) and a custom string encoder (apply bodies).
type Frame = { arr: unknown[]; i: number } | { obj: Record<string, unknown>; keys: string[]; i: number };

export interface JsonTextOptions {
  sortKeys?: boolean;
  /** Encodes one string (a value or a key) as JSON text; default JSON.stringify. */
  string?: (s: string) => string;
  /** The text of an object or array when it is known already (then not walked). */
  known?: (v: object) => string | undefined;
}

export function jsonText(root: unknown, opts: JsonTextOptions = {}): string {
  const str = opts.string ?? ((s: string) => JSON.stringify(s));
  const out: string[] = [];
  const stack: Frame[] = [];
  let known: string | undefined;
  const value = (v: unknown): void => {
    if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') out.push('null');
    else if (typeof v === 'string') out.push(str(v));
    else if (typeof v === 'number') out.push(Number.isFinite(v) ? String(v) : 'null');
    else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
    else if (typeof v === 'bigint') out.push(v.toString());
    else if (opts.known && (known = opts.known(v)) !== undefined) out.push(known);
    else if (Array.isArray(v)) {
      out.push('[');
      stack.push({ arr: v, i: 0 });
    } else {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => o[k] !== undefined && typeof o[k] !== 'function' && typeof o[k] !== 'symbol');
      if (opts.sortKeys) keys.sort();
      out.push('{');
      stack.push({ obj: o, keys, i: 0 });
    }
  };
  value(root);
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if ('arr' in f) {
      if (f.i >= f.arr.length) {
        out.push(']');
        stack.pop();
        continue;
      }
      if (f.i > 0) out.push(',');
      value(f.arr[f.i++]);
    } else {
      if (f.i >= f.keys.length) {
        out.push('}');
        stack.pop();
        continue;
      }
      if (f.i > 0) out.push(',');
      const k = f.keys[f.i++]!;
      out.push(str(k), ':');
      value(f.obj[k]);
    }
  }
  return out.join('');
}
