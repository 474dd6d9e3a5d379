// One asset's state as the operator reports it — the one shape for /debug/explain, `explain`,
// `render --output status|json` and the demo: built from the chain's outcome.
import type { Asset } from '../catalog/catalog.js';
import { namespacedName } from '../vocabulary/object.js';
import type { Outcome, Status } from './outcome.js';

export interface AssetReport {
  asset: string;
  family: string;
  kind: string;
  /** namespace/name (or name) of the object, when the asset rendered one. */
  object?: string;
  status: Status;
  reason?: string;
  message: string;
  drift?: string[];
  customizations: string[];
  at: string;
}

export function assetReport(asset: Asset, o: Outcome, at = new Date()): AssetReport {
  const d = o.subject?.desired;
  return {
    asset: asset.name,
    family: asset.family,
    kind: asset.kind,
    object: d?.metadata?.name ? namespacedName(d) : undefined,
    status: o.status,
    reason: o.reason,
    message: o.message,
    drift: o.drift ? [...o.drift] : undefined,
    customizations: [...(o.subject?.customizations ?? [])],
    at: at.toISOString(),
  };
}
