// Root exclusion: the HCO's disabled-resources rules name objects that are never written; a managed
// object a rule comes to name is turned off (removed if the operator created it, else released).
import { excludedBy } from '../catalog/exclusion.js';
import { ANNOTATIONS } from '../vocabulary/annotations.js';
import type { Step } from './builder.js';
import type { Addressed } from './run.js';

export function excludedStep(): Step<Addressed, Addressed> {
  return async (run, next) => {
    const { kind = '', metadata } = run.desired;
    const name = metadata?.name ?? '';
    const rule = excludedBy(run.exclusions, kind, metadata?.namespace, name);
    if (rule) {
      const why = `excluded by ${ANNOTATIONS.disabledResources} rule "${rule.text}"`;
      return { status: 'skipped', reason: 'AssetSkipped', message: `${kind} ${name} is ${why}`, off: { reason: why, holdDown: false } };
    }
    return next(run);
  };
}
