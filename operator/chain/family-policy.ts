// The chain's extension points for asset families (families/ implements them, one handler per
// family), at named points of the one chain:
//   context      extra render context for the family's templates
//   admit        right after the object is addressed: can it be applied at all (e.g. the operator
//                it configures is installed)? An outcome skips it before any read.
//   beforeApply  after the drift check: a gate that may hold a write the family must not make now
//   sourceAfter  after the family's asset ran: the configuration source (the HCO) later assets
//                render from (the HCO family's dual role)
// A family without a handler plugs in nothing.
import type { ClusterFacts } from '../render/context.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { ApplyGate } from './gate-step.js';
import type { Outcome } from './outcome.js';
import type { Addressed } from './run.js';

export interface FamilyPolicy {
  context?: (hco: KubeObject, facts: ClusterFacts) => Readonly<Record<string, unknown>>;
  admit?: (run: Addressed) => Outcome | undefined;
  beforeApply?: ApplyGate;
  /** @param readBack on a cluster: the HCO as the cache has it now; offline: absent */
  sourceAfter?: (current: KubeObject, outcome: Outcome, readBack: (() => KubeObject | undefined) | undefined) => KubeObject;
}

/** The policy of a family, by name. */
export type FamilyPolicies = (family: string) => FamilyPolicy;

export const NO_FAMILY_POLICIES: FamilyPolicies = () => ({});

/** One gate that asks the run's family. */
export function familyGate(policies: FamilyPolicies): ApplyGate {
  return {
    check: (run) => policies(run.asset.family).beforeApply?.check(run) ?? Promise.resolve(undefined),
    wrote: (run, o) => policies(run.asset.family).beforeApply?.wrote?.(run, o),
  };
}
