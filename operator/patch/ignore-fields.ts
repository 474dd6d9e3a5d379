// ignore-fields: comma-separated RFC 6901 pointers the user owns. For each, the operator takes
// the live value (so it never reverts it) or, when the live object has no such field, leaves it
// out (so it never adds it back).
import { MAX_ANNOTATION_BYTES } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';
import { cloneJson } from '../util/clone-json.js';
import { deleteAt, forbiddenSegment, getAt, parsePointer, setAt } from './json-pointer.js';

export class InvalidIgnoreFieldsError extends Error {
  override name = 'InvalidIgnoreFieldsError';
}

const MAX_POINTERS = 100;
const MAX_SEGMENTS = 128;
// Fields the server maintains: copying their live values into an apply would co-own them.
const SERVER_OWNED = [
  '/status',
  '/metadata/resourceVersion',
  '/metadata/uid',
  '/metadata/generation',
  '/metadata/creationTimestamp',
  '/metadata/deletionTimestamp',
  '/metadata/managedFields',
  '/metadata/ownerReferences',
  '/metadata/finalizers',
];
// Fields that say which object this is; yielding them would change the target, not a setting.
const IDENTITY = [
  '',
  '/apiVersion',
  '/kind',
  '/metadata',
  '/metadata/name',
  '/metadata/namespace',
  '/metadata/labels',
  '/metadata/labels/platform.kubevirt.io~1managed-by',
];

export function parseIgnoreFields(text: string): string[][] {
  if (text.length > MAX_ANNOTATION_BYTES) throw new InvalidIgnoreFieldsError(`the annotation is longer than ${MAX_ANNOTATION_BYTES} bytes`);
  const pointers = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (pointers.length > MAX_POINTERS) throw new InvalidIgnoreFieldsError(`at most ${MAX_POINTERS} pointers are allowed`);
  return pointers.map((p) => {
    if (IDENTITY.includes(p)) throw new InvalidIgnoreFieldsError(`"${p}" names the object's identity and cannot be ignored`);
    if (SERVER_OWNED.some((s) => p === s || p.startsWith(s + '/')))
      throw new InvalidIgnoreFieldsError(`"${p}" is set by the API server, not by the operator; there is nothing to ignore`);
    try {
      const segs = parsePointer(p);
      if (segs.length > MAX_SEGMENTS) throw new Error(`"${p.slice(0, 80)}…" has more than ${MAX_SEGMENTS} segments`);
      if (forbiddenSegment(segs)) throw new Error(`"${p}" uses a forbidden segment`);
      return segs;
    } catch (e) {
      throw new InvalidIgnoreFieldsError(`invalid JSON Pointer: ${(e as Error).message}`);
    }
  });
}

/** Whether placing a live value would create, in desired, a parent that live holds as an array. */
function createsArrayParent(out: KubeObject, live: KubeObject, segs: string[]): boolean {
  let d: { found: boolean; value?: unknown } = { found: true, value: out };
  let l: unknown = live;
  for (let i = 0; i < segs.length - 1; i++) {
    d = d.found ? getAt(d.value, [segs[i]!]) : d;
    l = getAt(l, [segs[i]!]).value;
    if (!d.found && Array.isArray(l)) return true;
  }
  return false;
}

const isIndex = (s: string): boolean => /^(0|[1-9][0-9]*)$/.test(s);

/** Pointers to array elements by descending index, so removing one never shifts another. */
function removalOrder(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    if (isIndex(a[i]!) && isIndex(b[i]!)) return Number(b[i]) - Number(a[i]);
    return a[i]! < b[i]! ? -1 : 1;
  }
  return b.length - a.length;
}

/**
 * Removes an ignored field the live object does not have. Removing an element in the middle of an
 * array would shift the next ones into indices the user owns (so every write would move data
 * around): the operator cannot lay out such an array without the user's elements, so it yields
 * the whole array — the live one, or none.
 */
function removeIgnored(out: KubeObject, live: KubeObject | undefined, segs: string[]): void {
  for (let s = segs; s.length > 0; s = s.slice(0, -1)) {
    const parent = getAt(out, s.slice(0, -1));
    const last = s[s.length - 1]!;
    if (!Array.isArray(parent.value) || !isIndex(last) || Number(last) >= parent.value.length - 1) {
      deleteAt(out, s);
      return;
    }
    const whole = live ? getAt(live, s.slice(0, -1)) : { found: false };
    if (whole.found && setAt(out, s.slice(0, -1), cloneJson(whole.value))) return;
  }
}

/**
 * Returns a copy of desired with every ignored field taken from live (or removed). Live values
 * are placed first (placing never shifts anything), then absent fields are removed in an order
 * that never shifts an array element onto another index, so the result is a fixed point: the
 * next pass against what was written computes the same object.
 */
export function maskIgnoredFields(desired: KubeObject, live: KubeObject | undefined, pointers: string[][]): KubeObject {
  const out = cloneJson(desired);
  const absent: string[][] = [];
  for (const segs of pointers) {
    const v = live ? getAt(live, segs) : { found: false };
    if (!v.found) {
      absent.push(segs);
      continue;
    }
    // An array the desired object does not render cannot be rebuilt from one element (a missing
    // parent would be created as an object): the operator does not assert it, so nothing to yield.
    if (createsArrayParent(out, live!, segs)) continue;
    if (!setAt(out, segs, cloneJson(v.value))) {
      throw new InvalidIgnoreFieldsError(`cannot take the live value of /${segs.join('/')}: the desired object has no place for it`);
    }
  }
  for (const segs of absent.sort(removalOrder)) removeIgnored(out, live, segs);
  return out;
}
