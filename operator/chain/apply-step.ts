// Step 7: Server-Side Apply (field manager virt-platform-operator, force), then record the write:
// the cache and the drift memo learn the server's answer, so the watch event that follows is a
// no-op.
import { MANAGED_BY_LABEL } from '../vocabulary/annotations.js';
import { pathOf } from '../vocabulary/resource.js';
import { hashOf } from '../util/stable-json.js';
import type { ChainDeps } from './deps.js';
import { conditional } from './drift-step.js';
import type { AssetRun, Outcome } from './types.js';

export function applyTerminal(deps: ChainDeps): (run: AssetRun) => Promise<Outcome> {
  const client = deps.client!;
  return async (run) => {
    const desired = run.desired!;
    const applied = await client.apply(pathOf(run.resource!, desired), conditional(desired, run.live));
    deps.cache.upsert(run.resource!, applied);
    deps.driftMemo?.set(run.key!, { desiredHash: hashOf(desired), liveHash: deps.driftMemo.liveHash(run.key!, applied), drift: [] });
    const what = `${desired.kind} ${desired.metadata?.namespace ? desired.metadata.namespace + '/' : ''}${desired.metadata?.name}`;
    if (!run.live) return { status: 'created', reason: 'AssetApplied', message: `asset ${run.asset.name}: created ${what}`, desired, applied };
    if (!run.live.metadata?.labels?.[MANAGED_BY_LABEL]) {
      return { status: 'updated', reason: 'AssetApplied', message: `asset ${run.asset.name}: adopted existing ${what}`, desired, applied, drift: run.drift };
    }
    return { status: 'updated', reason: 'DriftCorrected', message: `asset ${run.asset.name}: corrected drift in ${run.drift?.join(', ')}`, desired, applied, drift: run.drift };
  };
}
