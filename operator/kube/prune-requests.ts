// The two requests of the off-switch. Removing: a foreground DELETE conditioned on the uid, so a
// same-named object created meanwhile is never deleted. Releasing: one merge PATCH, conditioned on
// the resourceVersion, that drops the operator's label and annotations and its managedFields
// entries. Not an apply with no fields: that would also delete every field only the operator owned
// (e2e/prune-requests.test.ts shows it), and a released object must keep its content as it is.
import { ANNOTATIONS, MANAGED_BY_LABEL } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';
import { pathOf, type ResourceRef } from '../vocabulary/resource.js';
import { FIELD_MANAGER, type KubeClient } from './client.js';
import { isStatus } from './errors.js';

/** The manager of the release PATCH (it removes fields only, so it never owns any). */
export const RELEASE_FIELD_MANAGER = `${FIELD_MANAGER}-release`;

/** The operator's field managers: its apply, and its own helpers (pause, release). */
export function isOperatorManager(manager: string | undefined): boolean {
  return manager === FIELD_MANAGER || Boolean(manager?.startsWith(`${FIELD_MANAGER}-`));
}

/** The merge patch that releases a live object (undefined when nothing of the operator's is on it). */
export function releasePatch(live: KubeObject): Record<string, unknown> {
  const kept = (live.metadata?.managedFields ?? []).filter((e) => !isOperatorManager(e.manager));
  const ours = [MANAGED_BY_LABEL].filter((k) => live.metadata?.labels?.[k] !== undefined);
  const annotations = [ANNOTATIONS.ownership, ANNOTATIONS.asset, ANNOTATIONS.source, ANNOTATIONS.reconcilePaused].filter(
    (k) => live.metadata?.annotations?.[k] !== undefined,
  );
  return {
    metadata: {
      resourceVersion: live.metadata?.resourceVersion,
      ...(ours.length ? { labels: Object.fromEntries(ours.map((k) => [k, null])) } : {}),
      ...(annotations.length ? { annotations: Object.fromEntries(annotations.map((k) => [k, null])) } : {}),
      // An empty list means "unchanged" to the API server; one empty entry clears the list.
      managedFields: kept.length ? kept : [{}],
    },
  };
}

/** Deletes an object the operator created; false when it is gone or was replaced meanwhile. */
export async function removeObject(client: KubeClient, resource: ResourceRef, live: KubeObject): Promise<boolean> {
  try {
    await client.request('DELETE', pathOf(resource, live), {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', preconditions: { uid: live.metadata?.uid } },
    });
    return true;
  } catch (e) {
    if (isStatus(e, 404, 409)) return false;
    throw e;
  }
}

/** Gives an adopted object back: the server's answer, or undefined when it is gone. A 409 (it
 *  changed since it was read) is thrown: the caller decides again on the newer object. */
export async function releaseObject(client: KubeClient, resource: ResourceRef, live: KubeObject): Promise<KubeObject | undefined> {
  try {
    return await client.mergePatch(pathOf(resource, live), releasePatch(live), RELEASE_FIELD_MANAGER);
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    throw e;
  }
}
