// Step 5: is the live object already what we would apply? Authoritative like an SSA dry-run
// (the server defaults and normalises), memoised so an unchanged pair costs no request.
import { pathOf } from '../kube/resources.js';
import type { KubeObject } from '../kube/types.js';
import { diffPaths } from '../util/diff.js';
import { hashOf } from '../util/stable-json.js';
import type { ChainDeps } from './deps.js';
import { liveContent } from './drift-memo.js';
import type { Step } from './types.js';

/** The apply body for an existing object: its resourceVersion makes the apply conditional, so a
 *  decision taken on a stale cache fails with 409 instead of overwriting a newer user edit. */
export function conditional(desired: KubeObject, live: KubeObject | undefined): KubeObject {
  if (!live?.metadata?.resourceVersion) return desired;
  return { ...desired, metadata: { ...desired.metadata, resourceVersion: live.metadata.resourceVersion } };
}

export function driftStep(deps: ChainDeps): Step {
  const client = deps.client!;
  const memo = deps.driftMemo!;
  return async (run, next) => {
    if (!run.live) return next();
    const key = run.key!;
    const desiredHash = hashOf(run.desired);
    const liveHash = memo.liveHash(key, run.live);
    let verdict = memo.get(key, desiredHash, liveHash);
    if (!verdict) {
      const dry = await client.apply(pathOf(run.resource!, run.desired!), conditional(run.desired!, run.live), { dryRun: true });
      verdict = { desiredHash, liveHash, drift: diffPaths(liveContent(run.live), liveContent(dry)) };
      memo.set(key, verdict);
    }
    if (verdict.drift.length === 0) {
      return { status: 'in-sync', message: 'in sync', desired: run.desired };
    }
    run.drift = verdict.drift;
    return next();
  };
}
