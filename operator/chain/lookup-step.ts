// Lookup: the live object, read from the label-selected cache of its kind. A read never starts a
// watch: while the kind's cache has not synced nothing is known, so the asset is pending (the
// controller watches the kind and comes back). An object that exists without our label (to adopt,
// or one the user marked unmanaged) is invisible to that cache: it is fetched, when an adoption
// port is given (not offline).
import type { KubeClient } from '../kube/client.js';
import type { LiveCache } from '../vocabulary/live-cache.js';
import type { KubeObject } from '../vocabulary/object.js';
import { pathOf, type ResourceRef } from '../vocabulary/resource.js';
import type { Step } from './builder.js';
import type { Addressed, Located } from './run.js';

/** Finds an object the label-selected cache cannot see. */
export type Adoption = (resource: ResourceRef, desired: KubeObject) => Promise<KubeObject | undefined>;

/** Adoption by one GET (404: there is nothing to adopt). */
export function adoptionByGet(client: KubeClient): Adoption {
  return (resource, desired) => client.getOrUndefined(pathOf(resource, desired));
}

export function lookupStep(cache: LiveCache, adoption?: Adoption): Step<Addressed, Located> {
  return async (run, next) => {
    const found = cache.read(run.resource, run.key);
    if (!found.synced) return { status: 'pending', message: `waiting for the cache of ${run.resource.kind} to fill` };
    const live = found.object ?? (adoption ? await adoption(run.resource, run.desired) : undefined);
    return next({ ...run, live });
  };
}
