// Step 2b: leave the object alone when the admin said so: root exclusion on the HCO, or
// `mode: unmanaged` / `reconcile-paused` on the object itself.
import { ANNOTATIONS, annotationsOf } from '../vocabulary/annotations.js';
import { excludedBy } from '../catalog/exclusion.js';
import type { ChainDeps } from './deps.js';
import type { Step } from './types.js';

export function excludedStep(): Step {
  return async (run, next) => {
    const d = run.desired!;
    const rule = excludedBy(run.exclusions, d.kind!, d.metadata?.namespace, d.metadata!.name!);
    if (rule) return { status: 'skipped', reason: 'AssetSkipped', message: `${d.kind} ${d.metadata!.name} is excluded by ${ANNOTATIONS.disabledResources} rule "${rule.text}"` };
    return next();
  };
}

export function unmanagedStep(): Step {
  return async (run, next) => {
    if (annotationsOf(run.live)[ANNOTATIONS.mode] === 'unmanaged') {
      return { status: 'skipped', reason: 'UnmanagedMode', message: `${ANNOTATIONS.mode} is "unmanaged": the operator leaves this object alone` };
    }
    return next();
  };
}

export function pausedStep(deps: ChainDeps): Step {
  return async (run, next) => {
    if (annotationsOf(run.live)[ANNOTATIONS.reconcilePaused] === 'true') {
      deps.throttle?.calm(run.key!);
      return { status: 'paused', reason: 'AssetSkipped', message: `reconciliation is paused (${ANNOTATIONS.reconcilePaused}: "true"); remove the annotation to resume` };
    }
    return next();
  };
}
