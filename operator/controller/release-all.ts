// Handing a cluster back: every object carrying the managed-by label, of every kind the operator
// manages (the catalog's, the families', the tombstones', whatever group serves them), released as
// the off-switch releases an adopted object — label, ownership annotations and field ownership
// given up, content left as it is. Nothing is deleted.
import type { Catalog } from '../catalog/catalog.js';
import type { Tombstone } from '../catalog/tombstones.js';
import type { KubeClient } from '../kube/client.js';
import { isTransient, KubeError } from '../kube/errors.js';
import { releaseObject } from '../kube/prune-requests.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import { crdEstablished, projectCrd, type CrdInfo } from '../vocabulary/crd-info.js';
import { resourcePath, type KubeObject } from '../vocabulary/object.js';
import { resourcesOfKind, type GroupKind, type ResourceRef } from '../vocabulary/resource.js';

export interface ManagedObject {
  resource: ResourceRef;
  object: KubeObject;
}

/** The installed CRDs, read once. */
export async function installedCrds(client: KubeClient): Promise<Map<string, CrdInfo>> {
  const list = await client.listAll('/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
  return new Map(list.items.filter(crdEstablished).map((c) => [c.metadata?.name ?? '', projectCrd(c)]));
}

/** A read retried while the server is busy or starting a resource (429, 5xx), a few times. */
async function patiently<T>(read: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await read();
    } catch (e) {
      if (i >= tries || !isTransient(e)) throw e;
      await new Promise((r) => setTimeout(r, e instanceof KubeError && e.retryAfterMs ? e.retryAfterMs : 500 * i));
    }
  }
}

/** Every managed object of every kind the operator may manage, as the server lists it now. */
export async function managedObjects(
  client: KubeClient,
  catalog: Catalog,
  tombstones: readonly Tombstone[],
  familyKinds: readonly GroupKind[],
  crds: ReadonlyMap<string, CrdInfo>,
): Promise<ManagedObject[]> {
  const kinds = new Set([...catalog.assets.map((a) => a.kind), ...familyKinds.map((k) => k.kind), ...tombstones.flatMap((t) => t.object.kind ?? [])]);
  const out: ManagedObject[] = [];
  for (const kind of [...kinds].sort()) {
    for (const resource of resourcesOfKind(kind, crds)) {
      const list = await patiently(() => client.listAll(resourcePath(resource), { labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` }));
      for (const object of list.items) out.push({ resource, object });
    }
  }
  return out;
}

/** Releases each object; answers what went (an object deleted meanwhile is skipped). */
export async function releaseAll(client: KubeClient, objects: readonly ManagedObject[]): Promise<ManagedObject[]> {
  const done: ManagedObject[] = [];
  for (const o of objects) if (await releaseObject(client, o.resource, o.object)) done.push(o);
  return done;
}
