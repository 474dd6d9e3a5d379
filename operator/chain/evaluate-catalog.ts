// Runs a chain over the whole catalog in reconcile order, the way a world pass does: the render
// CLI, explain, /debug/render and rbac-gen.
import type { Asset, Catalog } from '../catalog/catalog.js';
import type { ClusterFacts } from '../render/context.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { Chain } from './builder.js';
import { NO_FAMILY_POLICIES, type FamilyPolicies } from './family-policy.js';
import { approximateApply } from './offline/ssa-approximation.js';
import type { Outcome } from './outcome.js';
import { newRun } from './run.js';

export interface Evaluation {
  asset: Asset;
  outcome: Outcome;
}

export interface EvaluateOptions {
  /** Offline: later assets see the HCO as the golden config would leave it (on a cluster they
   *  read the applied HCO back). */
  projectHco?: boolean;
  policies?: FamilyPolicies;
}

export async function evaluateCatalog(catalog: Catalog, chain: Chain, hco: KubeObject, facts: ClusterFacts, opts: EvaluateOptions = {}): Promise<Evaluation[]> {
  const policies = opts.policies ?? NO_FAMILY_POLICIES;
  const out: Evaluation[] = [];
  let context = hco;
  for (const asset of catalog.assets) {
    const outcome = await chain(newRun(asset, context, facts, policies(asset.family).context?.(context, facts)));
    out.push({ asset, outcome });
    const desired = renderedObject(outcome);
    if (opts.projectHco && asset.reconcileOrder === 0 && desired) context = approximateApply(hco, desired) as KubeObject;
  }
  return out;
}

/** The object an offline chain rendered (its effective desired object), if it rendered one. */
export function renderedObject(o: Outcome): KubeObject | undefined {
  return o.status === 'rendered' ? o.subject?.desired : undefined;
}
