// Step 6: the anti-thrashing gate. Every write takes a token from the object's bucket; an empty
// bucket throttles, and repeated throttles mean an edit war: the object gets the
// reconcile-paused annotation and is left alone until the user removes it.
import { ANNOTATIONS } from '../vocabulary/annotations.js';
import { pathOf } from '../vocabulary/resource.js';
import type { ChainDeps } from './deps.js';
import type { Step } from './types.js';

export const PAUSE_FIELD_MANAGER = 'virt-platform-operator-pause';

export function throttleStep(deps: ChainDeps): Step {
  const throttle = deps.throttle!;
  const { capacity, windowMs, pauseAfter } = throttle.settings;
  return async (run, next) => {
    const key = run.key!;
    if (throttle.tryTake(key)) return next();
    const count = throttle.recordThrottle(key);
    const drift = run.drift?.length ? ` (drifting: ${run.drift.join(', ')})` : '';
    if (count >= pauseAfter && run.live) {
      // A merge patch under its own field manager, so our later applies never remove it: only
      // the user does.
      await deps.client!.mergePatch(pathOf(run.resource!, run.desired!), { metadata: { annotations: { [ANNOTATIONS.reconcilePaused]: 'true' } } }, PAUSE_FIELD_MANAGER);
      deps.metrics?.thrashing(run.asset.name);
      return {
        status: 'paused',
        reason: 'ThrashingDetected',
        message: `edit war: the object keeps changing away from the desired state${drift}; throttled ${count} times in a row, so reconciliation is paused (${ANNOTATIONS.reconcilePaused}: "true"). Use ${ANNOTATIONS.patch} or ${ANNOTATIONS.ignoreFields} for the fields you want to own, then remove the annotation to resume`,
      };
    }
    return {
      status: 'throttled',
      reason: 'Throttled',
      message: `more than ${capacity} updates in ${windowMs / 1000} s${drift}; the correction waits for the update budget to refill`,
      requeueAfterMs: throttle.msUntilToken(key),
      drift: run.drift,
    };
  };
}
