// User patch: the RFC 6902 patch from the live object's annotation, applied in memory. A patch
// that cannot be honoured stops the chain with no write: falling back to the unpatched baseline
// would silently undo the user's customisation.
import { applyPatch, InvalidPatchError, parsePatch } from '../patch/json-patch.js';
import { judgePatchedResult } from '../patch/patch-guard.js';
import { ANNOTATIONS, annotationsOf, MAX_ANNOTATION_BYTES } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { Step } from './builder.js';
import type { Outcome } from './outcome.js';
import type { Effective, Located } from './run.js';

export function userPatchStep(): Step<Located, Effective> {
  return async (run, next) => {
    const text = annotationsOf(run.live)[ANNOTATIONS.patch];
    if (text === undefined || text.trim() === '') return next({ ...run, customizations: [] });
    const refuse = (why: string): Outcome => ({
      status: 'refused',
      reason: 'InvalidPatch',
      message: `${ANNOTATIONS.patch} refused, nothing written until it is fixed: ${why}`,
    });
    if (text.length > MAX_ANNOTATION_BYTES) return refuse(`the annotation is longer than ${MAX_ANNOTATION_BYTES} bytes`);
    let patched: KubeObject;
    try {
      patched = applyPatch(run.desired, parsePatch(text));
    } catch (e) {
      if (e instanceof InvalidPatchError) return refuse(e.message);
      throw e;
    }
    const why = judgePatchedResult(run.desired, patched);
    if (why) return refuse(why);
    return next({ ...run, desired: patched, customizations: ['patch'] });
  };
}
