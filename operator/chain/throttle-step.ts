// The anti-thrashing gate. Every write takes a token from the object's bucket; an empty bucket
// throttles, and repeated throttles mean an edit war: the object gets the reconcile-paused
// annotation and is left alone until the user removes it.
import type { KubeClient } from '../kube/client.js';
import { ANNOTATIONS } from '../vocabulary/annotations.js';
import { pathOf } from '../vocabulary/resource.js';
import type { AntiThrashing } from './anti-thrashing.js';
import type { Step } from './builder.js';
import type { ChainMetrics } from './chain-metrics.js';
import type { Drifting } from './run.js';

export const PAUSE_FIELD_MANAGER = 'virt-platform-operator-pause';

export function throttleStep(deps: { antiThrashing: AntiThrashing; client: KubeClient; metrics?: ChainMetrics }): Step<Drifting, Drifting> {
  const { antiThrashing, client, metrics } = deps;
  const { capacity, windowMs, pauseAfter } = antiThrashing.settings;
  return async (run, next) => {
    if (run.unchecked) {
      // Let through because a token was there (chain.ts); taken only if the write changed something.
      const o = await next(run);
      if (o.status === 'updated') antiThrashing.tryTake(run.key);
      return o;
    }
    if (antiThrashing.tryTake(run.key)) return next(run);
    const count = antiThrashing.recordThrottle(run.key);
    const drift = run.drift.length ? ` (drifting: ${run.drift.join(', ')})` : '';
    if (count >= pauseAfter && run.live) {
      // A merge patch under its own field manager, so our later applies never remove it: only
      // the user does.
      await client.mergePatch(pathOf(run.resource, run.desired), { metadata: { annotations: { [ANNOTATIONS.reconcilePaused]: 'true' } } }, PAUSE_FIELD_MANAGER);
      metrics?.thrashing(run.asset.name);
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
      requeueAfterMs: antiThrashing.msUntilToken(run.key),
      drift: run.drift,
    };
  };
}
