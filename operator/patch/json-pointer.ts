// RFC 6901 JSON Pointers: parsing (~1 → /, ~0 → ~), reading, writing and deleting in plain
// JSON objects. Used by ignore-fields and by the patch validator.
export class InvalidPointerError extends Error {
  override name = 'InvalidPointerError';
}

export function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new InvalidPointerError(`"${p}" must start with "/"`);
  return p
    .slice(1)
    .split('/')
    .map((s) => {
      if (/~[^01]|~$/.test(s)) throw new InvalidPointerError(`"${p}" has an invalid escape (only ~0 and ~1 are allowed)`);
      return s.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

// Segments that would reach an object's prototype machinery when written as a key: refused by the
// patch validator and by ignore-fields alike.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** The first segment no user pointer may use, if any. */
export function forbiddenSegment(segments: readonly string[]): string | undefined {
  return segments.find((s) => FORBIDDEN_SEGMENTS.has(s));
}

export function formatPointer(segments: string[]): string {
  return segments.map((s) => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

type Container = Record<string, unknown> | unknown[];

function child(node: unknown, seg: string): { found: boolean; value?: unknown } {
  if (Array.isArray(node)) {
    if (!/^(0|[1-9][0-9]*)$/.test(seg)) return { found: false };
    const i = Number(seg);
    return i < node.length ? { found: true, value: node[i] } : { found: false };
  }
  if (node && typeof node === 'object' && Object.hasOwn(node, seg)) return { found: true, value: (node as Record<string, unknown>)[seg] };
  return { found: false };
}

/** Reads the value at the pointer: { found: false } when any segment is missing. */
export function getAt(doc: unknown, segments: string[]): { found: boolean; value?: unknown } {
  let cur: unknown = doc;
  for (const seg of segments) {
    const c = child(cur, seg);
    if (!c.found) return { found: false };
    cur = c.value;
  }
  return { found: true, value: cur };
}

/**
 * Sets the value at the pointer in place, creating missing object parents. Returns false when a
 * parent exists but cannot hold the segment (a scalar, or an array index out of range).
 */
export function setAt(doc: Container, segments: string[], value: unknown): boolean {
  if (segments.length === 0) return false;
  let cur: unknown = doc;
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    const c = child(cur, seg);
    if (c.found && c.value !== null && typeof c.value === 'object') {
      cur = c.value;
      continue;
    }
    if (c.found || Array.isArray(cur) || !cur || typeof cur !== 'object') return false;
    const fresh: Record<string, unknown> = {};
    (cur as Record<string, unknown>)[seg] = fresh;
    cur = fresh;
  }
  const last = segments[segments.length - 1]!;
  if (Array.isArray(cur)) {
    if (!/^(0|[1-9][0-9]*)$/.test(last) || Number(last) > cur.length) return false;
    cur[Number(last)] = value;
    return true;
  }
  if (!cur || typeof cur !== 'object') return false;
  (cur as Record<string, unknown>)[last] = value;
  return true;
}

/** Deletes the value at the pointer in place (array elements are spliced out). */
export function deleteAt(doc: Container, segments: string[]): void {
  if (segments.length === 0) return;
  const parent = getAt(doc, segments.slice(0, -1));
  if (!parent.found) return;
  const last = segments[segments.length - 1]!;
  const p = parent.value;
  if (Array.isArray(p)) {
    if (/^(0|[1-9][0-9]*)$/.test(last) && Number(last) < p.length) p.splice(Number(last), 1);
  } else if (p && typeof p === 'object' && Object.hasOwn(p, last)) {
    delete (p as Record<string, unknown>)[last];
  }
}
