// Runs a chain over the whole catalog in reconcile order, the way a world pass does: the render
// CLI, explain, /debug/render and rbac-gen.
import type { Asset, Catalog } from '../catalog/catalog.js';
import type { ClusterFacts } from '../render/context.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { Chain } from './builder.js';
import { NO_FAMILY_POLICIES, type FamilyPolicies } from './family-policy.js';
import type { Outcome } from './outcome.js';
import { newRun } from './run.js';

export interface Evaluation {
  asset: Asset;
  outcome: Outcome;
}

export interface EvaluateOptions {
  /** Offline: later assets see the configuration source as the family that owns it says it would
   *  be left (on a cluster they read the applied HCO back). */
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
    if (opts.projectHco) context = policies(asset.family).sourceAfter?.(context, outcome, undefined) ?? context;
  }
  return out;
}

/** The object an offline chain rendered (its effective desired object), if it rendered one. */
export function renderedObject(o: Outcome): KubeObject | undefined {
  return o.status === 'rendered' ? o.subject?.desired : undefined;
}
