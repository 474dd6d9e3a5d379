// RFC 6902 JSON Patch on untrusted input. The `jsonpatch` package applies the operations; this
// module validates the document first (shape, sizes, hostile keys) and evaluates `test` itself,
// because the package's deep-equality check does not compare object members (it would let a
// failing `test` pass).
import jsonpatch from 'jsonpatch';
import { deepEqual } from './deep-equal.js';
import { getAt, parsePointer } from './json-pointer.js';

export type Operation = { op: string; path: string; from?: string; value?: unknown };

export class InvalidPatchError extends Error {
  override name = 'InvalidPatchError';
}

const OPS: Record<string, { value?: boolean; from?: boolean }> = {
  add: { value: true },
  remove: {},
  replace: { value: true },
  move: { from: true },
  copy: { from: true },
  test: { value: true },
};
export const MAX_OPERATIONS = 256;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function checkValueKeys(v: unknown, depth = 0): void {
  if (depth > 64) throw new InvalidPatchError('value nests deeper than 64 levels');
  if (Array.isArray(v)) v.forEach((x) => checkValueKeys(x, depth + 1));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '__proto__') throw new InvalidPatchError('a value contains the key "__proto__"');
      checkValueKeys(x, depth + 1);
    }
  }
}

function checkPointer(p: unknown, field: string, i: number): void {
  if (typeof p !== 'string') throw new InvalidPatchError(`operation ${i}: "${field}" must be a string`);
  let segs: string[];
  try {
    segs = parsePointer(p);
  } catch (e) {
    throw new InvalidPatchError(`operation ${i}: "${field}" ${(e as Error).message}`);
  }
  const bad = segs.find((s) => FORBIDDEN_KEYS.has(s));
  if (bad) throw new InvalidPatchError(`operation ${i}: "${field}" uses the forbidden segment "${bad}"`);
}

/** Validates an already-parsed patch document and returns it typed. */
export function validatePatch(doc: unknown): Operation[] {
  if (!Array.isArray(doc)) throw new InvalidPatchError('a JSON Patch must be a JSON array of operations');
  if (doc.length > MAX_OPERATIONS) throw new InvalidPatchError(`a JSON Patch may have at most ${MAX_OPERATIONS} operations`);
  doc.forEach((op: unknown, i) => {
    if (!op || typeof op !== 'object' || Array.isArray(op)) throw new InvalidPatchError(`operation ${i} is not an object`);
    const o = op as Record<string, unknown>;
    const spec = typeof o.op === 'string' ? OPS[o.op] : undefined;
    if (!spec || !Object.hasOwn(OPS, o.op as string)) throw new InvalidPatchError(`operation ${i}: unknown op ${JSON.stringify(o.op)}`);
    checkPointer(o.path, 'path', i);
    if (spec.from) checkPointer(o.from, 'from', i);
    if (spec.value && !Object.hasOwn(o, 'value')) throw new InvalidPatchError(`operation ${i}: "${o.op as string}" needs a "value"`);
    checkValueKeys(o.value);
  });
  return doc as Operation[];
}

/** Parses annotation text as a JSON Patch (RFC 6902); throws InvalidPatchError with the reason. */
export function parsePatch(text: string): Operation[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InvalidPatchError(`not valid JSON: ${(e as Error).message}`);
  }
  return validatePatch(doc);
}

/** Applies the operations to a copy of `doc`; throws InvalidPatchError when one cannot apply. */
export function applyPatch<T>(doc: T, ops: Operation[]): T {
  let cur: unknown = structuredClone(doc);
  ops.forEach((op, i) => {
    try {
      if (op.op === 'test') {
        const actual = getAt(cur, parsePointer(op.path));
        if (!actual.found) throw new Error(`test failed: ${op.path} does not exist`);
        if (!deepEqual(actual.value, op.value)) throw new Error(`test failed: ${op.path} is not ${JSON.stringify(op.value)}`);
      } else {
        cur = jsonpatch.apply_patch(cur, [op]);
      }
    } catch (e) {
      throw new InvalidPatchError(`operation ${i} (${op.op} ${op.path}) cannot apply: ${(e as Error).message}`);
    }
  });
  return cur as T;
}
