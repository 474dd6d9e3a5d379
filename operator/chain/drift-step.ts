// Drift: is the live object already what we would apply? Authoritative like an SSA dry-run (the
// server defaults and normalises), memoised so an unchanged pair costs no request.
import type { KubeClient } from '../kube/client.js';
import { diffPaths } from '../patch/diff.js';
import { hashOf } from '../util/stable-json.js';
import type { KubeObject } from '../vocabulary/object.js';
import { pathOf } from '../vocabulary/resource.js';
import type { Step } from './builder.js';
import { liveContent, type DriftMemo } from './drift-memo.js';
import type { Drifting, Effective } from './run.js';

/** The apply body for an existing object: its resourceVersion makes the apply conditional, so a
 *  decision taken on a stale cache fails with 409 instead of overwriting a newer user edit; its uid
 *  makes it fail with 409 on an object deleted meanwhile, which an apply would otherwise create
 *  anew (the server ignores the resourceVersion when the object is gone). */
export function conditional(desired: KubeObject, live: KubeObject | undefined): KubeObject {
  const { resourceVersion, uid } = live?.metadata ?? {};
  if (!resourceVersion) return desired;
  return { ...desired, metadata: { ...desired.metadata, resourceVersion, ...(uid ? { uid } : {}) } };
}

/** The fields an apply changes (or would, for a dry-run's answer) on the live object. */
export function driftOf(live: KubeObject, answer: KubeObject): string[] {
  return diffPaths(liveContent(live), liveContent(answer));
}

/** @param applyFirst where nothing could hold the write (no family gate, a token in the bucket), the
 *  write is the check: one request instead of a dry-run and then the write, so a drift repair
 *  takes one round trip; a write that changes nothing is a no-op on the server. */
export function driftStep(deps: { client: KubeClient; memo: DriftMemo; applyFirst?: (run: Effective) => boolean }): Step<Effective, Drifting> {
  const { client, memo } = deps;
  return async (run, next) => {
    const live = run.live;
    if (!live) return next({ ...run, drift: [] });
    const desiredHash = hashOf(run.desired);
    const liveHash = memo.liveHash(run.key, live);
    let verdict = memo.get(run.key, desiredHash, liveHash);
    if (!verdict) {
      if (deps.applyFirst?.(run)) return next({ ...run, drift: [], unchecked: true });
      const dry = await client.apply(pathOf(run.resource, run.desired), conditional(run.desired, live), { dryRun: true });
      verdict = { desiredHash, liveHash, drift: driftOf(live, dry) };
      memo.set(run.key, verdict);
    }
    if (verdict.drift.length === 0) return { status: 'in-sync', message: 'in sync' };
    return next({ ...run, drift: verdict.drift });
  };
}
