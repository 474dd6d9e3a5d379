// ignore-fields: comma-separated RFC 6901 pointers the user owns. For each, the operator takes
// the live value (so it never reverts it) or, when the live object has no such field, leaves it
// out (so it never adds it back).
import { MAX_ANNOTATION_BYTES } from '../annotations.js';
import type { KubeObject } from '../kube/types.js';
import { deleteAt, getAt, parsePointer, setAt } from './json-pointer.js';

export class InvalidIgnoreFieldsError extends Error {
  override name = 'InvalidIgnoreFieldsError';
}

const MAX_POINTERS = 100;
// Fields the server maintains: copying their live values into an apply would co-own them.
const SERVER_OWNED = ['/status', '/metadata/resourceVersion', '/metadata/uid', '/metadata/generation', '/metadata/creationTimestamp', '/metadata/deletionTimestamp', '/metadata/managedFields', '/metadata/ownerReferences', '/metadata/finalizers'];
// Fields that say which object this is; yielding them would change the target, not a setting.
const IDENTITY = ['', '/apiVersion', '/kind', '/metadata', '/metadata/name', '/metadata/namespace', '/metadata/labels', '/metadata/labels/platform.kubevirt.io~1managed-by'];

export function parseIgnoreFields(text: string): string[][] {
  if (text.length > MAX_ANNOTATION_BYTES) throw new InvalidIgnoreFieldsError(`the annotation is longer than ${MAX_ANNOTATION_BYTES} bytes`);
  const pointers = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (pointers.length > MAX_POINTERS) throw new InvalidIgnoreFieldsError(`at most ${MAX_POINTERS} pointers are allowed`);
  return pointers.map((p) => {
    if (IDENTITY.includes(p)) throw new InvalidIgnoreFieldsError(`"${p}" names the object's identity and cannot be ignored`);
    if (SERVER_OWNED.some((s) => p === s || p.startsWith(s + '/'))) throw new InvalidIgnoreFieldsError(`"${p}" is set by the API server, not by the operator; there is nothing to ignore`);
    try {
      const segs = parsePointer(p);
      if (segs.some((s) => s === '__proto__' || s === 'constructor' || s === 'prototype')) throw new Error(`"${p}" uses a forbidden segment`);
      return segs;
    } catch (e) {
      throw new InvalidIgnoreFieldsError(`invalid JSON Pointer: ${(e as Error).message}`);
    }
  });
}

/** Whether placing a live value would create, in desired, a parent that live holds as an array. */
function createsArrayParent(out: KubeObject, live: KubeObject, segs: string[]): boolean {
  for (let i = 1; i < segs.length; i++) {
    if (!getAt(out, segs.slice(0, i)).found && Array.isArray(getAt(live, segs.slice(0, i)).value)) return true;
  }
  return false;
}

/** Returns a copy of desired with every ignored field taken from live (or removed). */
export function maskIgnoredFields(desired: KubeObject, live: KubeObject | undefined, pointers: string[][]): KubeObject {
  const out = structuredClone(desired);
  for (const segs of pointers) {
    const v = live ? getAt(live, segs) : { found: false };
    if (v.found) {
      // An array the desired object does not render cannot be rebuilt from one element (a missing
      // parent would be created as an object): the operator does not assert it, so nothing to yield.
      if (createsArrayParent(out, live!, segs)) continue;
      if (!setAt(out, segs, structuredClone(v.value))) {
        throw new InvalidIgnoreFieldsError(`cannot take the live value of /${segs.join('/')}: the desired object has no place for it`);
      }
    } else {
      deleteAt(out, segs);
    }
  }
  return out;
}
