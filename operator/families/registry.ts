// The family handlers. A family without one plugs nothing into the chain (its assets run the
// shared steps only). Adding a family = one folder under families/ and one line here.
import type { Evaluation } from '../chain/evaluate-catalog.js';
import type { FamilyPolicies, FamilyPolicy } from '../chain/family-policy.js';
import type { Asset } from '../catalog/catalog.js';
import { renderContext, type ClusterFacts, type RenderContext } from '../render/context.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { GroupKind } from '../vocabulary/resource.js';
import type { ObservedKind } from '../watch/observed-kinds.js';
import type { FamilyDeps, FamilyHandler, FamilyRuntime, PreviewInput } from './family-handler.js';
import { deschedulerFamily } from './descheduler/handler.js';
import { hcoFamily } from './hco/handler.js';
import { loggingFamily } from './logging/handler.js';
import { machineConfigFamily } from './machine-config/handler.js';
import { monitoringFamily } from './monitoring/handler.js';
import { observabilityFamily } from './observability/handler.js';
import { operatorsFamily } from './operators/handler.js';
import { remediationFamily } from './remediation/handler.js';

export const FAMILY_HANDLERS: readonly FamilyHandler[] = [
  hcoFamily,
  machineConfigFamily,
  remediationFamily,
  operatorsFamily,
  deschedulerFamily,
  monitoringFamily,
  loggingFamily,
  observabilityFamily,
];

/** The families as one object: their policies for the chain, and their hooks for the controller. */
export class Families {
  private readonly runtimes = new Map<string, FamilyRuntime>();
  private readonly byName: Map<string, FamilyPolicy>;
  readonly policies: FamilyPolicies;

  /** @param deps on a cluster: the families' runtime policies (gates) are built; offline: context only */
  constructor(
    private readonly handlers: readonly FamilyHandler[] = FAMILY_HANDLERS,
    deps?: FamilyDeps,
  ) {
    if (deps) for (const h of handlers) if (h.runtime) this.runtimes.set(h.name, h.runtime(deps));
    this.byName = new Map(
      handlers.map((h) => [h.name, { context: h.context, admit: h.admit, sourceAfter: h.sourceAfter, beforeApply: this.runtimes.get(h.name)?.beforeApply }]),
    );
    this.policies = (family) => this.byName.get(family) ?? {};
  }

  beginPass(): void {
    for (const r of this.runtimes.values()) r.beginPass?.();
  }

  endPass(): void {
    for (const r of this.runtimes.values()) r.endPass?.();
  }

  hcoAnnotationProblems(hco: KubeObject): string[] {
    return this.handlers.flatMap((h) => h.hcoAnnotationProblems?.(hco) ?? []);
  }

  preview(evals: readonly Evaluation[], input: PreviewInput): string[] {
    return this.handlers.flatMap(
      (h) =>
        h.preview?.(
          evals.filter((e) => e.asset.family === h.name),
          input,
        ) ?? [],
    );
  }
}

export function familyPolicies(handlers: readonly FamilyHandler[] = FAMILY_HANDLERS): FamilyPolicies {
  return new Families(handlers).policies;
}

export function familyKinds(handlers: readonly FamilyHandler[] = FAMILY_HANDLERS): GroupKind[] {
  return handlers.flatMap((h) => h.kinds);
}

export function familyObserved(handlers: readonly FamilyHandler[] = FAMILY_HANDLERS): ObservedKind[] {
  return handlers.flatMap((h) => h.observes ?? []);
}

/** The render context of an asset with what its family adds (tests and tools rendering one template). */
export function familyRenderContext(hco: KubeObject, facts: ClusterFacts, asset: Asset): RenderContext {
  return renderContext(hco, facts, asset, familyPolicies()(asset.family).context?.(hco, facts));
}
