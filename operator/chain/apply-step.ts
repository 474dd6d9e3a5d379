// The end of the operator's chain: Server-Side Apply (field manager virt-platform-operator,
// force), then the cache and the drift memo learn the server's answer, so the watch event that
// follows is a no-op.
import type { KubeClient } from '../kube/client.js';
import { hashOf } from '../util/stable-json.js';
import { MANAGED_BY_LABEL } from '../vocabulary/annotations.js';
import type { LiveCache } from '../vocabulary/live-cache.js';
import { describeObject } from '../vocabulary/object.js';
import { pathOf } from '../vocabulary/resource.js';
import type { Terminal } from './builder.js';
import type { DriftMemo } from './drift-memo.js';
import { conditional, driftOf } from './drift-step.js';
import type { Drifting } from './run.js';

export function applyTerminal(deps: { client: KubeClient; cache: LiveCache; memo: DriftMemo }): Terminal<Drifting> {
  const { client, cache, memo } = deps;
  return async (run) => {
    const { desired, live } = run;
    const applied = await client.apply(pathOf(run.resource, desired), conditional(desired, live));
    cache.wrote(run.resource, applied, live?.metadata?.resourceVersion);
    memo.set(run.key, { desiredHash: hashOf(desired), liveHash: memo.liveHash(run.key, applied), drift: [] });
    // Unchecked (drift-step.ts): the write tells what drifted; nothing did, then it was a no-op.
    const checkedByWrite = run.unchecked && live;
    const drift = checkedByWrite ? driftOf(live, applied) : run.drift;
    // Only an update can be a no-op: a create is reported as one whatever led to it.
    if (checkedByWrite && !drift.length) return { status: 'in-sync', message: 'in sync' };
    const what = describeObject(desired);
    if (!live) return { status: 'created', reason: 'AssetApplied', message: `asset ${run.asset.name}: created ${what}`, applied };
    if (!live.metadata?.labels?.[MANAGED_BY_LABEL]) {
      return { status: 'updated', reason: 'AssetApplied', message: `asset ${run.asset.name}: adopted existing ${what}`, applied, drift };
    }
    return {
      status: 'updated',
      reason: 'DriftCorrected',
      message: `asset ${run.asset.name}: corrected drift in ${drift.join(', ')}`,
      applied,
      drift,
    };
  };
}

/** explain: a write is due; say which, write nothing. */
export function wouldWriteTerminal(): Terminal<Drifting> {
  return (run) =>
    Promise.resolve(
      run.live
        ? { status: 'drifting', message: `would correct ${run.drift.join(', ')}`, drift: run.drift }
        : { status: 'drifting', message: 'would create it' },
    );
}

/** offline: the effective desired object is the answer. */
export function renderedTerminal<T>(): Terminal<T> {
  return () => Promise.resolve({ status: 'rendered', message: 'would be applied' });
}
