// Moving over from the Go autopilot (openshift-virtualization/virt-platform-autopilot): the objects
// it created for a purpose an asset here serves (assets/migration/go-autopilot.yaml) are removed
// once their replacement is applied, so no pool keeps two competing configurations; objects it
// created under the names used here are adopted by the apply, and the fields only it had set are
// then released (an apply as its field manager with no fields). Objects carrying its label are
// found through label-selected watches, so a steady state costs no request.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ANNOTATIONS, MANAGED_BY_LABEL, annotationsOf } from '../vocabulary/annotations.js';
import type { Catalog } from '../catalog/catalog.js';
import { parseActivation } from '../catalog/eligibility.js';
import type { Outcome } from '../chain/outcome.js';
import type { KubeClient } from '../kube/client.js';
import type { CrdInfo } from '../vocabulary/crd-info.js';
import { isStatus } from '../kube/errors.js';
import { involvedOf, type EventSink } from '../kube/events.js';
import { pathOf, resolveResource, type ResourceRef } from '../vocabulary/resource.js';
import { describeObject, resourcePath, type KubeObject } from '../vocabulary/object.js';
import { log } from '../log.js';
import { Informer } from '../watch/informer.js';

/** The Go autopilot's managed-by label value and SSA field manager (its pkg/engine/applier.go). */
export const GO_AUTOPILOT = 'virt-platform-autopilot';

export interface GoObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Assets here that serve the same purpose; empty: an object the Go autopilot retired itself. */
  replacedBy: string[];
  purpose: string;
}

export function loadGoObjects(assetsDir: string): GoObject[] {
  const file = join(assetsDir, 'migration', 'go-autopilot.yaml');
  if (!existsSync(file)) return [];
  const doc = yaml.load(readFileSync(file, 'utf8')) as { objects?: unknown } | null;
  if (!doc || !Array.isArray(doc.objects)) throw new Error(`${file}: expected an "objects" list`);
  return doc.objects.map((e, i) => {
    const o = e as Partial<GoObject>;
    if (!o.apiVersion || !o.kind || !o.name || !Array.isArray(o.replacedBy) || !o.purpose)
      throw new Error(`${file}: objects[${i}] needs apiVersion, kind, name, replacedBy and purpose`);
    return {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.name,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      replacedBy: o.replacedBy,
      purpose: o.purpose,
    };
  });
}

/** Where each Go object stands, for /debug/migration and the tests. */
export interface MigrationState {
  object: string;
  state: 'absent' | 'waiting' | 'removed' | 'left' | 'recreated';
  detail: string;
}

const APPLIED = new Set(['created', 'updated', 'in-sync']);
const describe = (kind: string, o: KubeObject): string => describeObject({ ...o, kind });

export class GoAutopilotMigration {
  private readonly informers = new Map<string, { ref: ResourceRef; informer: Informer<KubeObject> }>();
  /** kind/namespace/name → the uid removed in this process. */
  private readonly removed = new Map<string, string>();
  private readonly warned = new Set<string>();
  readonly states = new Map<string, MigrationState>();

  constructor(
    private readonly client: KubeClient,
    private readonly events: EventSink,
    private readonly table: GoObject[],
    private readonly onChange: () => void,
  ) {}

  /** Label-selected watches for the table's kinds whose CRD is installed. */
  private syncWatches(crds: ReadonlyMap<string, CrdInfo>): boolean {
    let synced = true;
    const wanted = new Set<string>();
    for (const t of this.table) {
      const r = resolveResource(t.apiVersion, t.kind, crds);
      if (!r) continue;
      const k = `${r.group}/${r.kind}`;
      wanted.add(k);
      let w = this.informers.get(k);
      if (!w) {
        const informer = new Informer<KubeObject>(this.client, {
          kind: r,
          name: `go-autopilot ${r.plural}`,
          path: resourcePath(r),
          labelSelector: `${MANAGED_BY_LABEL}=${GO_AUTOPILOT}`,
          onEvent: () => this.onChange(),
        });
        w = { ref: r, informer };
        this.informers.set(k, w);
        informer.start();
      }
      synced &&= w.informer.hasSynced;
    }
    for (const [k, w] of this.informers) {
      if (!wanted.has(k)) {
        w.informer.stop();
        this.informers.delete(k);
      }
    }
    return synced;
  }

  /**
   * One pass after a world pass: release what the Go autopilot alone owned on the objects just
   * adopted, then remove its objects whose replacement is applied.
   * @returns pending: a watch is still filling (look again shortly).
   */
  async pass(
    catalog: Catalog,
    hco: KubeObject,
    crds: ReadonlyMap<string, CrdInfo>,
    results: { asset: string; outcome: Outcome }[],
  ): Promise<{ pending: boolean }> {
    if (!parseActivation(hco) || this.table.length === 0) return { pending: false };
    for (const { outcome } of results) if (outcome.applied) await this.release(outcome.applied, crds);
    const synced = this.syncWatches(crds);
    const status = new Map(results.map((r) => [r.asset, r.outcome.status]));
    for (const t of this.table) {
      const w = [...this.informers.values()].find((x) => x.ref.kind === t.kind && `${x.ref.group ? x.ref.group + '/' : ''}${x.ref.version}` === t.apiVersion);
      const key = `${t.kind}/${t.namespace ?? '*'}/${t.name}`;
      const live = w
        ? [...w.informer.list()].find((o) => o.metadata?.name === t.name && (!w.ref.namespaced || !t.namespace || o.metadata?.namespace === t.namespace))
        : undefined;
      if (!live) {
        if (this.states.get(key)?.state !== 'removed') this.states.set(key, { object: `${t.kind} ${t.name}`, state: 'absent', detail: t.purpose });
        continue;
      }
      // Deleted in an earlier pass; the watch has not caught up yet.
      if (this.removed.get(key) === live.metadata?.uid) continue;
      const what = describe(t.kind, live);
      if (annotationsOf(live)[ANNOTATIONS.mode] === 'unmanaged') {
        this.states.set(key, { object: what, state: 'left', detail: `${ANNOTATIONS.mode} is "unmanaged"` });
        continue;
      }
      const prior = this.removed.get(key);
      if (prior && prior !== live.metadata?.uid) {
        this.states.set(key, { object: what, state: 'recreated', detail: 'the Go autopilot recreated it: it still runs; uninstall it' });
        if (!this.warned.has(key)) {
          this.warned.add(key);
          this.events.emit(
            involvedOf(hco),
            'MigrationBlocked',
            `the Go autopilot recreated ${what} (${t.purpose}) after it was replaced: it is still running; uninstall it, then delete ${what}`,
          );
          log.warn('the Go autopilot recreated an object it had replaced', { object: what });
        }
        continue;
      }
      const by = t.replacedBy.find((a) => APPLIED.has(status.get(a) ?? ''));
      if (t.replacedBy.length && !by) {
        const known = t.replacedBy.filter((a) => catalog.assets.some((x) => x.name === a));
        this.states.set(key, { object: what, state: 'waiting', detail: `kept until ${known.join(' or ')} is applied (${t.purpose})` });
        continue;
      }
      try {
        await this.client.request('DELETE', pathOf(w!.ref, live), {
          body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: live.metadata?.uid } },
        });
      } catch (e) {
        if (!isStatus(e, 404, 409)) throw e;
      }
      this.removed.set(key, live.metadata?.uid ?? '');
      this.states.set(key, { object: what, state: 'removed', detail: by ? `replaced by ${by}` : 'retired by the Go autopilot itself' });
      const message = by ? `deleted the Go autopilot's ${what} (${t.purpose}): replaced by asset ${by}` : `deleted the Go autopilot's ${what} (${t.purpose})`;
      this.events.emit(involvedOf(hco), 'MigratedFromGoAutopilot', message);
      log.info('migrated from the Go autopilot', { object: what, replacedBy: by });
    }
    return { pending: !synced };
  }

  /** Gives up the fields only the Go autopilot's field manager owns on an object this operator adopted. */
  private async release(obj: KubeObject, crds: ReadonlyMap<string, CrdInfo>): Promise<void> {
    if (obj.kind === 'HyperConverged') return; // the admin's own object: never drop fields from it
    if (!obj.metadata?.managedFields?.some((m) => m.manager === GO_AUTOPILOT && m.operation === 'Apply')) return;
    const r = resolveResource(obj.apiVersion!, obj.kind!, crds);
    if (!r) return;
    const identity: KubeObject = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      metadata: { name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) },
    };
    await this.client.apply(pathOf(r, obj), identity, { fieldManager: GO_AUTOPILOT, force: false });
    this.events.emit(
      involvedOf(obj),
      'MigratedFromGoAutopilot',
      `adopted ${describe(obj.kind!, obj)} from the Go autopilot; released the fields only it had set`,
    );
  }

  stop(): void {
    for (const w of this.informers.values()) w.informer.stop();
    this.informers.clear();
  }
}
