// Step 2a: the live object. Managed objects come from the label-selected caches; an object that
// exists without our label (to adopt, or marked unmanaged by the user) is fetched once.
import type { ChainDeps } from './deps.js';
import type { Step } from './types.js';
import { pathOf } from '../vocabulary/resource.js';

export function lookupStep(deps: ChainDeps): Step {
  return async (run, next) => {
    const r = run.resource!;
    const d = run.desired!;
    run.live = deps.cache.get(r, d.metadata?.namespace, d.metadata!.name!);
    if (!run.live && deps.client) run.live = await deps.client.getOrUndefined(pathOf(r, d));
    return next();
  };
}
