// Admit: the run's family says whether the addressed object can be applied at all (e.g. the
// operator it configures is installed); its answer skips the asset before anything is read.
import type { Step } from './builder.js';
import type { FamilyPolicies } from './family-policy.js';
import type { Addressed } from './run.js';

export function admitStep(policies: FamilyPolicies): Step<Addressed, Addressed> {
  return async (run, next) => policies(run.asset.family).admit?.(run) ?? next(run);
}
