// RFC 6902 JSON Patch on untrusted input. The `jsonpatch` package applies the operations; this
// module validates the document first (shape, sizes, hostile keys) and evaluates `test` itself,
// because the package's deep-equality check does not compare object members (it would let a
// failing `test` pass).
import jsonpatch from 'jsonpatch';
import { cloneJson } from '../util/clone-json.js';
import { jsonSize } from '../util/json-size.js';
import { deepEqual } from './deep-equal.js';
import { forbiddenSegment, getAt, parsePointer } from './json-pointer.js';

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
/** The largest patched object, as JSON text (etcd stores at most 1.5 MiB per object). */
export const MAX_RESULT_BYTES = 1536 * 1024;
/** JSON Pointers deeper than this are refused (no Kubernetes field is that deep). */
export const MAX_POINTER_SEGMENTS = 128;
// A UTF-16 surrogate without its pair: legal in JSON text, but no Kubernetes string can hold it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkString(s: string): void {
  if (LONE_SURROGATE.test(s))
    throw new InvalidPatchError('a string contains a lone UTF-16 surrogate (\\ud800-\\udfff without its pair), which Kubernetes cannot store');
}

function checkValueKeys(v: unknown, depth = 0): void {
  if (depth > 64) throw new InvalidPatchError('value nests deeper than 64 levels');
  if (typeof v === 'string') checkString(v);
  else if (Array.isArray(v)) v.forEach((x) => checkValueKeys(x, depth + 1));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '__proto__') throw new InvalidPatchError('a value contains the key "__proto__"');
      checkString(k);
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
  if (segs.length > MAX_POINTER_SEGMENTS) throw new InvalidPatchError(`operation ${i}: "${field}" has more than ${MAX_POINTER_SEGMENTS} segments`);
  const bad = forbiddenSegment(segs);
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

/**
 * Applies the operations to a copy of `doc`; throws InvalidPatchError when one cannot apply, or
 * when the result could grow past MAX_RESULT_BYTES. The size is counted before each operation
 * (a `copy` shares its value by reference, so 40 doubling copies stay tiny in memory until
 * something expands them): the bound holds before anything is materialised.
 */
export function applyPatch<T>(doc: T, ops: Operation[]): T {
  let cur: unknown = cloneJson(doc);
  let size = jsonSize(cur, MAX_RESULT_BYTES);
  ops.forEach((op, i) => {
    try {
      // An upper bound: removals and replacements are not subtracted.
      if (op.op === 'add' || op.op === 'replace') size += jsonSize(op.value, MAX_RESULT_BYTES);
      else if (op.op === 'copy') size += jsonSize(getAt(cur, parsePointer(op.from!)).value, MAX_RESULT_BYTES);
      if (size > MAX_RESULT_BYTES) throw new Error(`the patched object would exceed ${MAX_RESULT_BYTES} bytes`);
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
  // Copies may share sub-trees: hand out a tree (bounded by the size check above).
  return cloneJson(cur) as T;
}
