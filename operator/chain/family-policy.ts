// The chain's extension points for asset families (families/ implements them, one handler per
// family): extra render context for the family's templates, and a gate before apply that may
// hold a write the family must not make now. A family without a handler plugs in nothing.
import type { ClusterFacts } from '../render/context.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { ApplyGate } from './gate-step.js';

export interface FamilyPolicy {
  /** Extra render context ({{family.x}} in the family's templates). */
  context?(hco: KubeObject, facts: ClusterFacts): Readonly<Record<string, unknown>>;
  /** Consulted after the drift check, before anti-thrashing and the write. */
  beforeApply?: ApplyGate;
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
