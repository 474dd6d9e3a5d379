// Tombstones: minimal manifests (assets/tombstones/*.yaml) of objects an older version created and
// that must go. An object is deleted only when it carries the managed-by label — never something
// an admin made — and only through the label-selected cache, so a pass with nothing to delete
// sends no request.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../annotations.js';
import type { LiveCache } from '../chain/deps.js';
import type { KubeClient } from '../kube/client.js';
import { isStatus } from '../kube/errors.js';
import type { EventSink } from '../kube/events.js';
import { involvedOf } from '../kube/events.js';
import { pathOf, resolveResource } from '../kube/resources.js';
import type { KubeObject } from '../kube/types.js';
import type { CrdInfo } from '../kube/crd-info.js';
import { log } from '../log.js';

export function loadTombstones(assetsDir: string): KubeObject[] {
  const dir = join(assetsDir, 'tombstones');
  if (!existsSync(dir)) return [];
  const out: KubeObject[] = [];
  for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    for (const doc of yaml.loadAll(readFileSync(join(dir, f), 'utf8'))) {
      const o = doc as KubeObject | null;
      if (!o) continue;
      if (!o.apiVersion || !o.kind || !o.metadata?.name) throw new Error(`${join(dir, f)}: a tombstone needs apiVersion, kind and metadata.name`);
      out.push(o);
    }
  }
  return out;
}

export interface TombstoneResult {
  deleted: string[];
  /** True while a kind's cache is still filling: the caller should look again shortly. */
  pending: boolean;
}

export async function reapTombstones(
  tombstones: KubeObject[],
  crds: ReadonlyMap<string, CrdInfo>,
  cache: LiveCache & { isSynced(apiVersion: string, kind: string): boolean },
  client: KubeClient,
  events: EventSink,
): Promise<TombstoneResult> {
  const result: TombstoneResult = { deleted: [], pending: false };
  for (const t of tombstones) {
    const r = resolveResource(t.apiVersion!, t.kind!, crds);
    if (!r) continue; // its CRD is gone: nothing of that kind can exist
    const live = cache.get(r, t.metadata?.namespace, t.metadata!.name!);
    if (!cache.isSynced(t.apiVersion!, t.kind!)) result.pending = true;
    if (!live || live.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) continue;
    try {
      // Precondition on the uid: never delete a same-named object created in the meantime.
      await client.request('DELETE', pathOf(r, live), { body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: live.metadata?.uid } } });
    } catch (e) {
      if (isStatus(e, 404, 409)) continue;
      throw e;
    }
    const what = `${t.kind} ${t.metadata?.namespace ? t.metadata.namespace + '/' : ''}${t.metadata!.name}`;
    log.info('object deleted', { kind: t.kind, namespace: t.metadata?.namespace, name: t.metadata!.name, reason: 'tombstone' });
    events.emit(involvedOf(live), 'AssetDeleted', `deleted obsolete ${what} (tombstone)`);
    result.deleted.push(what);
  }
  return result;
}
