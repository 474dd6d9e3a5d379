// Runs a chain over the whole catalog in reconcile order, the way a world pass does, and turns
// the outcomes into status rows. Shared by the render CLI, explain and /debug/render.
import type { Asset, Catalog } from '../catalog/catalog.js';
import type { Chain } from '../chain/chain.js';
import { newRun } from '../chain/run.js';
import type { Outcome } from '../chain/types.js';
import type { KubeObject } from '../kube/types.js';
import type { ClusterFacts } from '../render/context.js';
import type { StatusRow } from './status-table.js';

export interface Evaluation {
  asset: Asset;
  outcome: Outcome;
  /** The rendered object's identity, when the asset rendered one. */
  object?: KubeObject;
}

/** Objects merge member by member; anything else is replaced (an approximation of SSA's result). */
export function overlay(base: unknown, top: unknown): unknown {
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (!isObj(base) || !isObj(top)) return top;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(top)) out[k] = overlay(base[k], v);
  return out;
}

/**
 * @param projectHco offline only: later assets see the HCO as the golden config would leave it
 *   (on a cluster they read the applied HCO back).
 */
export async function evaluateCatalog(catalog: Catalog, chain: Chain, hco: KubeObject, facts: ClusterFacts, projectHco = false): Promise<Evaluation[]> {
  const out: Evaluation[] = [];
  let context = hco;
  for (const asset of catalog.assets) {
    const run = newRun(asset, context, facts);
    const outcome = await chain(run);
    out.push({ asset, outcome, object: outcome.desired ?? run.desired });
    if (projectHco && asset.reconcileOrder === 0 && outcome.status === 'rendered' && outcome.desired) {
      context = overlay(hco, outcome.desired) as KubeObject;
    }
  }
  return out;
}

const LABEL: Partial<Record<Outcome['status'], string>> = { rendered: 'applied', 'in-sync': 'in-sync' };

export function statusRow(e: Evaluation): StatusRow {
  const o = e.object;
  const name = o?.metadata?.name ? `${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}` : '';
  const detail = e.outcome.status === 'rendered' ? (e.outcome.reason ?? '') : e.outcome.message;
  return {
    asset: e.asset.name,
    object: name ? `${e.asset.component}/${name}` : e.asset.component,
    status: LABEL[e.outcome.status] ?? e.outcome.status,
    detail: e.outcome.drift?.length && e.outcome.status !== 'drifting' ? `${detail} (drifting: ${e.outcome.drift.join(', ')})` : detail,
  };
}
