// Paused: `reconcile-paused: "true"` on the object (set by the edit-war gate, removed by the user)
// — nothing is written until it goes. Its Event reason is AssetSkipped: the object is skipped, and
// the message says why (ThrashingDetected was said when the operator paused it).
import { ANNOTATIONS, annotationsOf } from '../vocabulary/annotations.js';
import type { ObjectKey } from '../vocabulary/resource.js';
import type { Step } from './builder.js';
import type { Located } from './run.js';

/** @param onPaused told which object is paused (the edit war on it, if any, is over) */
export function pausedStep(onPaused: (key: ObjectKey) => void = () => undefined): Step<Located, Located> {
  return async (run, next) => {
    if (annotationsOf(run.live)[ANNOTATIONS.reconcilePaused] === 'true') {
      onPaused(run.key);
      return {
        status: 'paused',
        reason: 'AssetSkipped',
        message: `reconciliation is paused (${ANNOTATIONS.reconcilePaused}: "true"); remove the annotation to resume`,
      };
    }
    return next(run);
  };
}
