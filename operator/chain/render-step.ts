// Step 1: render the template into the opinionated object, labelled as managed. An empty render
// means "not applicable" (with the template's reason when it gives one); a template error is
// RenderFailed and stops only this asset.
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../annotations.js';
import { RenderError } from '../render/renderer.js';
import type { ChainDeps } from './deps.js';
import type { Step } from './types.js';

export function renderStep(deps: ChainDeps): Step {
  return async (run, next) => {
    let rendered;
    try {
      rendered = deps.renderer.renderOutcome(run.asset, run.ctx, run.facts);
    } catch (e) {
      if (e instanceof RenderError) return { status: 'failed', reason: 'RenderFailed', message: e.message };
      throw e;
    }
    const obj = rendered.object;
    if (!obj) {
      // A reason the template gives is news for the admin (an Event on the transition); a bare empty render is not.
      if (rendered.reason) return { status: 'skipped', reason: 'AssetSkipped', message: `not applicable: ${rendered.reason}` };
      return { status: 'skipped', message: 'not applicable: the template rendered nothing for this cluster' };
    }
    obj.metadata = { ...obj.metadata, labels: { ...obj.metadata?.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } };
    // Namespaced assets default to the HCO's namespace.
    run.desired = obj;
    return next();
  };
}
