// What the asset library makes the operator touch: every asset rendered through the operator's own
// offline chain with every one of its conditions satisfied (so no asset hides behind a condition
// the generator did not meet), plus every tombstone. The result is a list of apiVersion/kind uses,
// each with the assets or tombstone files that need it.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ANNOTATIONS } from '../operator/annotations.js';
import { loadCatalog, type Asset, type Catalog } from '../operator/catalog/catalog.js';
import { loadGoObjects } from '../operator/controller/go-autopilot.js';
import { DETECTORS, type Hardware } from '../operator/catalog/hardware.js';
import { TOPOLOGY_FACTS, type Topology } from '../operator/catalog/topology.js';
import { buildChain } from '../operator/chain/chain.js';
import { evaluateCatalog } from '../operator/cli/evaluate.js';
import type { CrdInfo } from '../operator/kube/crd-info.js';
import type { KubeObject } from '../operator/kube/types.js';
import type { ClusterFacts } from '../operator/render/context.js';
import { Renderer } from '../operator/render/renderer.js';

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

export const HCO_NAME = 'kubevirt-hyperconverged';
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
  return {
    apiVersion: 'hco.kubevirt.io/v1',
    kind: 'HyperConverged',
    metadata: { name: HCO_NAME, namespace, annotations: { ...annotations, [ANNOTATIONS.autopilot]: 'true' } },
    spec: { featureGates: [...gates].sort().map((name) => ({ name, state: 'Enabled' })) },
  };
}

/** Cluster facts where every detector holds and every topology fact has the value this asset asks for. */
export function factsSatisfying(asset: Asset | undefined, crds: ReadonlyMap<string, CrdInfo>): ClusterFacts {
  const hardware = Object.fromEntries(DETECTORS.map((d) => [d, true])) as Hardware;
  const topology = { ...Object.fromEntries(TOPOLOGY_FACTS.map((f) => [f, true])), nodes: 3, masters: 3, workers: 3 } as Topology;
  for (const c of asset?.conditions ?? []) if (c.type === 'topology') topology[c.fact] = c.value;
  return {
    hardware,
    topology,
    crds,
    // Every kind counts as served and every object as present, so no template branch is hidden.
    assumeCrdsInstalled: true,
    objectExists: () => true,
  };
}

export function loadTombstoneFiles(assetsDir: string): { file: string; object: KubeObject }[] {
  const dir = join(assetsDir, 'tombstones');
  if (!existsSync(dir)) return [];
  const out: { file: string; object: KubeObject }[] = [];
  for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    for (const doc of yaml.loadAll(readFileSync(join(dir, f), 'utf8'))) {
      const o = doc as KubeObject | null;
      if (!o) continue;
      if (!o.apiVersion || !o.kind || !o.metadata?.name) throw new Error(`${join(dir, f)}: a tombstone needs apiVersion, kind and metadata.name`);
      out.push({ file: `tombstones/${f}`, object: o });
    }
  }
  return out;
}

export async function collectKinds(assetsDir: string, crds: ReadonlyMap<string, CrdInfo>): Promise<Collected> {
  const catalog = loadCatalog(assetsDir);
  const chain = buildChain({ renderer: new Renderer(assetsDir), cache: { get: () => undefined, upsert: () => undefined }, events: { emit: () => undefined } });
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
      const evals = await evaluateCatalog({ ...catalog, assets }, chain, hcoSatisfying(catalog, asset, optIns), factsSatisfying(asset, crds), true);
      const o = evals[evals.length - 1]!.outcome;
      if (o.status === 'rendered' && o.desired?.apiVersion && o.desired.kind) {
        const k = `${o.desired.apiVersion} ${o.desired.kind}`;
        if (!seen.has(k)) managed.push({ apiVersion: o.desired.apiVersion, kind: o.desired.kind, by: { asset: asset.name } });
        seen.add(k);
        if (!objects.has(asset.name)) objects.set(asset.name, o.desired);
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
      managed.push({ apiVersion: '', kind: asset.component, by: { asset: asset.name }, fromCatalogOnly: true });
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
    ...loadTombstoneFiles(assetsDir).map((t) => ({ apiVersion: t.object.apiVersion!, kind: t.object.kind!, by: { tombstone: t.file }, name: t.object.metadata!.name! })),
    // The Go autopilot's objects replaced by assets here: watched by its label, deleted by name.
    ...loadGoObjects(assetsDir).map((g) => ({ apiVersion: g.apiVersion, kind: g.kind, by: { tombstone: 'migration/go-autopilot.yaml' }, name: g.name })),
  ];
  return { catalog, managed, tombstones, objects, notes };
}
