// The managed kinds the controller watches, from what declares them: the catalog's kinds (by
// name, resolved against what is installed), the tombstones' kinds, and the family handlers' kinds.
// A kind that nothing installed serves has no resource: nothing to watch until its CRD appears.
// A catalog kind that several groups serve (PrometheusRule: monitoring.coreos.com and
// monitoring.rhobs) says too little: its asset is pending until it renders, and then the group
// it renders is watched — never a group the operator has no permission for.
import type { Catalog } from '../catalog/catalog.js';
import type { Tombstone } from '../catalog/tombstones.js';
import type { CrdInfo } from '../vocabulary/crd-info.js';
import { resolveResource, resourcesOfKind, type GroupKind, type ResourceRef } from '../vocabulary/resource.js';

export function declaredResources(
  catalog: Catalog,
  tombstones: readonly Tombstone[],
  familyKinds: readonly GroupKind[],
  crds: ReadonlyMap<string, CrdInfo>,
): ResourceRef[] {
  const out = new Map<string, ResourceRef>();
  const add = (r: ResourceRef | undefined): void => {
    if (r) out.set(`${r.group}/${r.version}/${r.plural}`, r);
  };
  for (const kind of new Set(catalog.assets.map((a) => a.kind))) {
    const served = resourcesOfKind(kind, crds);
    if (new Set(served.map((r) => r.group)).size === 1) served.forEach(add);
  }
  for (const gk of familyKinds) for (const r of resourcesOfKind(gk.kind, crds)) if (r.group === gk.group) add(r);
  for (const t of tombstones) if (t.object.apiVersion && t.object.kind) add(resolveResource(t.object.apiVersion, t.object.kind, crds));
  return [...out.values()];
}
