// Render: the template into the opinionated object, labelled as managed. An empty render means
// "not applicable" (with the template's reason when it gives one); a template error is
// RenderFailed and stops only this asset.
import { RenderError, type Renderer } from '../render/renderer.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import type { Step } from './builder.js';
import type { AssetRun, Rendered } from './run.js';

export function renderStep(renderer: Renderer): Step<AssetRun, Rendered> {
  return async (run, next) => {
    let rendered;
    try {
      rendered = renderer.renderOutcome(run.asset, run.ctx, run.facts);
    } catch (e) {
      if (e instanceof RenderError) return { status: 'failed', reason: 'RenderFailed', message: e.message };
      throw e;
    }
    const obj = rendered.object;
    if (!obj) {
      // A reason the template gives is news for the admin (an Event on the transition); a bare empty render is not.
      // Templates read detected facts too, so an empty render is pruned only after the hold-down.
      if (rendered.reason)
        return { status: 'skipped', reason: 'AssetSkipped', message: `not applicable: ${rendered.reason}`, off: { reason: rendered.reason, holdDown: true } };
      const why = 'the template rendered nothing for this cluster';
      return { status: 'skipped', message: `not applicable: ${why}`, off: { reason: why, holdDown: true } };
    }
    return next({ ...run, desired: { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata?.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } } });
  };
}
