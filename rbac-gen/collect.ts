// What the asset library makes the operator touch: every asset rendered through the operator's own
// offline chain with every one of its conditions satisfied (so no asset hides behind a condition
// the generator did not meet), plus every tombstone. The result is a list of apiVersion/kind uses,
// each with the assets or tombstone files that need it.
import { loadCatalog, type Asset, type Catalog } from '../operator/catalog/catalog.js';
import { loadGoObjects } from '../operator/controller/go-autopilot.js';
import { DETECTORS, type Hardware } from '../operator/catalog/hardware.js';
import { loadTombstones } from '../operator/catalog/tombstones.js';
import { TOPOLOGY_FACTS, type Topology } from '../operator/catalog/topology.js';
import { buildChain, offlineEnd } from '../operator/chain/chain.js';
import { evaluateCatalog, renderedObject } from '../operator/chain/evaluate-catalog.js';
import { OutcomeMemory } from '../operator/chain/outcome-memory.js';
import { familyPolicies } from '../operator/families/registry.js';
import { clusterFacts, type ClusterFacts } from '../operator/render/context.js';
import { Renderer } from '../operator/render/renderer.js';
import { ANNOTATIONS } from '../operator/vocabulary/annotations.js';
import type { CrdInfo } from '../operator/vocabulary/crd-info.js';
import { HCO_NAME, hcoObject } from '../operator/vocabulary/hco.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { everyKindServed, OfflineCluster } from '../operator/watch/offline-cluster.js';

export interface KindUse {
  apiVersion: string;
  kind: string;
  /** Who needs it: an asset (by name) or a tombstone (by file, relative to the assets folder). */
  by: { asset: string } | { tombstone: string };
  /** A tombstone's object name: delete is granted on exactly these names. */
  name?: string;
  /** Set when the template rendered nothing even with every condition met (kind from the catalog only). */
  fromCatalogOnly?: boolean;
}

export interface Collected {
  catalog: Catalog;
  managed: KindUse[];
  tombstones: KindUse[];
  /** Rendered objects by asset name (the e2e uses them to find target namespaces). */
  objects: Map<string, KubeObject>;
  /** Things worth knowing that do not stop generation. */
  notes: string[];
}

export { HCO_NAME };
export const HCO_NAMESPACE = 'openshift-cnv';

/** Every annotation and feature gate any asset's conditions name, as one HCO would carry them. */
export function allOptIns(catalog: Catalog): { annotations: Record<string, string>; featureGates: string[] } {
  const annotations: Record<string, string> = {};
  const gates = new Set<string>();
  for (const a of catalog.assets) {
    for (const c of a.conditions) {
      if (c.type === 'annotation' && !(c.key in annotations)) annotations[c.key] = c.value;
      if (c.type === 'feature-gate') gates.add(c.gate);
    }
  }
  return { annotations, featureGates: [...gates].sort() };
}

/**
 * An HCO that activates everything and satisfies this asset's annotation and feature-gate
 * conditions. "all" also carries every other opt-in of the catalog; "own" only the asset's own
 * (a template may render nothing when another opt-in is on, e.g. kubelet-perf under CPUManager).
 */
export function hcoSatisfying(catalog: Catalog, asset: Asset | undefined, optIns: 'all' | 'own' = 'all', namespace = HCO_NAMESPACE): KubeObject {
  const all = allOptIns(catalog);
  const annotations: Record<string, string> = optIns === 'all' ? all.annotations : {};
  const gates = new Set(optIns === 'all' ? all.featureGates : []);
  for (const c of asset?.conditions ?? []) {
    if (c.type === 'annotation') annotations[c.key] = c.value;
    if (c.type === 'feature-gate') gates.add(c.gate);
  }
  return hcoObject(
    namespace,
    { ...annotations, [ANNOTATIONS.autopilot]: 'true' },
    { featureGates: [...gates].sort().map((name) => ({ name, state: 'Enabled' })) },
  );
}

/** Cluster facts where every detector holds and every topology fact has the value this asset asks for. */
export function factsSatisfying(asset: Asset | undefined, crds: ReadonlyMap<string, CrdInfo>): ClusterFacts {
  const hardware = Object.fromEntries(DETECTORS.map((d) => [d, true])) as Hardware;
  const topology = { ...Object.fromEntries(TOPOLOGY_FACTS.map((f) => [f, true])), nodes: 3, masters: 3, workers: 3 } as Topology;
  for (const c of asset?.conditions ?? []) if (c.type === 'topology') topology[c.fact] = c.value;
  // Every kind counts as served and every object as present, so no template branch is hidden.
  return everyKindServed(clusterFacts({ hardware, topology, crds, objectExists: () => true }));
}

export async function collectKinds(assetsDir: string, crds: ReadonlyMap<string, CrdInfo>): Promise<Collected> {
  const catalog = loadCatalog(assetsDir);
  const renderer = new Renderer(assetsDir);
  const policies = familyPolicies();
  const hcoAssets = catalog.assets.filter((a) => a.reconcileOrder === 0);
  const managed: KindUse[] = [];
  const objects = new Map<string, KubeObject>();
  const notes: string[] = [];
  const errors: string[] = [];
  for (const asset of catalog.assets) {
    // Later assets see the HCO as the golden config leaves it, as on a cluster.
    const assets = asset.reconcileOrder === 0 ? [asset] : [...hcoAssets, asset];
    const seen = new Set<string>();
    let skipped = 0;
    for (const optIns of ['all', 'own'] as const) {
      const cluster = new OfflineCluster(hcoSatisfying(catalog, asset, optIns), factsSatisfying(asset, crds));
      const chain = buildChain({ renderer, cache: cluster, record: { events: { emit: () => undefined }, memory: new OutcomeMemory() } }, offlineEnd());
      const evals = await evaluateCatalog({ ...catalog, assets }, chain, cluster.hco, cluster.facts, { projectHco: true, policies });
      const o = evals[evals.length - 1]!.outcome;
      const desired = renderedObject(o);
      if (desired?.apiVersion && desired.kind) {
        const k = `${desired.apiVersion} ${desired.kind}`;
        if (!seen.has(k)) managed.push({ apiVersion: desired.apiVersion, kind: desired.kind, by: { asset: asset.name } });
        seen.add(k);
        if (!objects.has(asset.name)) objects.set(asset.name, desired);
      } else if (o.status === 'skipped' && (!o.reason || o.reason === 'AssetSkipped')) {
        // An empty render, possibly with the template's reason (e.g. site data the admin must give).
        skipped++;
      } else {
        errors.push(`asset ${asset.name}: ${o.status}${o.reason ? ` (${o.reason})` : ''}: ${o.message}`);
        break;
      }
    }
    if (seen.size === 0 && skipped === 2) {
      // An empty render either way: the catalog still says which kind the asset manages.
      managed.push({ apiVersion: '', kind: asset.kind, by: { asset: asset.name }, fromCatalogOnly: true });
    }
  }
  const fromCatalog = managed.filter((u) => u.fromCatalogOnly).map((u) => `${'asset' in u.by ? u.by.asset : ''} (${u.kind})`);
  if (fromCatalog.length) {
    notes.push(
      `${fromCatalog.length} asset(s) rendered nothing with every condition satisfied (they also need a setting on the ` +
        `HyperConverged); their kinds come from the catalog: ${fromCatalog.join(', ')}`,
    );
  }
  if (errors.length) throw new Error(`cannot render every asset with every condition satisfied:\n  ${errors.join('\n  ')}`);
  const tombstones: KindUse[] = [
    ...loadTombstones(assetsDir).map((t) => ({
      apiVersion: t.object.apiVersion!,
      kind: t.object.kind!,
      by: { tombstone: t.file },
      name: t.object.metadata!.name!,
    })),
    // The Go autopilot's objects replaced by assets here: watched by its label, deleted by name.
    ...loadGoObjects(assetsDir).map((g) => ({ apiVersion: g.apiVersion, kind: g.kind, by: { tombstone: 'migration/go-autopilot.yaml' }, name: g.name })),
  ];
  return { catalog, managed, tombstones, objects, notes };
}
