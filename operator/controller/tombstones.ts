// Reaping tombstones (catalog/tombstones.ts): an object is deleted only when it carries the
// managed-by label — never something an admin made — and only as the label-selected cache sees
// it, so a pass with nothing to delete sends no request.
import type { Tombstone } from '../catalog/tombstones.js';
import type { KubeClient } from '../kube/client.js';
import { isStatus } from '../kube/errors.js';
import { involvedOf, type EventSink } from '../kube/events.js';
import { log } from '../log.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import type { CrdInfo } from '../vocabulary/crd-info.js';
import type { LiveCache } from '../vocabulary/live-cache.js';
import { describeObject } from '../vocabulary/object.js';
import { keyOf, pathOf, resolveResource } from '../vocabulary/resource.js';

export interface TombstoneResult {
  deleted: string[];
  /** True while a kind's cache is still filling: the caller should look again shortly. */
  pending: boolean;
}

export async function reapTombstones(
  tombstones: readonly Tombstone[],
  crds: ReadonlyMap<string, CrdInfo>,
  cache: LiveCache,
  client: KubeClient,
  events: EventSink,
): Promise<TombstoneResult> {
  const result: TombstoneResult = { deleted: [], pending: false };
  for (const { object: t } of tombstones) {
    const r = t.apiVersion && t.kind ? resolveResource(t.apiVersion, t.kind, crds) : undefined;
    if (!r) continue; // its CRD is gone: nothing of that kind can exist
    const found = cache.read(r, keyOf(r, t));
    if (!found.synced) {
      result.pending = true;
      continue;
    }
    const live = found.object;
    if (!live || live.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) continue;
    try {
      // Precondition on the uid: never delete a same-named object created in the meantime.
      await client.request('DELETE', pathOf(r, live), { body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: live.metadata?.uid } } });
    } catch (e) {
      if (isStatus(e, 404, 409)) continue;
      throw e;
    }
    const what = describeObject(t);
    log.info('object deleted', { kind: t.kind, namespace: t.metadata?.namespace, name: t.metadata?.name, reason: 'tombstone' });
    events.emit(involvedOf(live), 'AssetDeleted', `deleted obsolete ${what} (tombstone)`);
    result.deleted.push(what);
  }
  return result;
}
