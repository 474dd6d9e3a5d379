// The consumer suites' one scenario harness: cluster shapes, OpenShift versions (each with the
// KubeDescheduler CRD that release ships), a scenario's HyperConverged, the whole catalog rendered
// through the operator's own offline chain (as `render` and /debug/render run it), and every
// rendered object judged by the consumer rules whose kinds include it. The consumer matrix
// (matrix.ts) and the remediation/operators suite build their scenarios on it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../operator/catalog/catalog.js';
import type { Topology } from '../../operator/catalog/topology.js';
import { buildChain, offlineEnd } from '../../operator/chain/chain.js';
import { evaluateCatalog, renderedObject } from '../../operator/chain/evaluate-catalog.js';
import { approximateApply } from '../../operator/chain/offline/ssa-approximation.js';
import { OutcomeMemory } from '../../operator/chain/outcome-memory.js';
import { familyPolicies } from '../../operator/families/registry.js';
import type { ClusterFacts } from '../../operator/render/context.js';
import { Renderer } from '../../operator/render/renderer.js';
import { projectCrd, type CrdInfo } from '../../operator/vocabulary/crd-info.js';
import { hcoObject } from '../../operator/vocabulary/hco.js';
import type { KubeObject } from '../../operator/vocabulary/object.js';
import { OfflineCluster } from '../../operator/watch/offline-cluster.js';
import { crdDir, loadCrds } from '../../localcluster/crds.js';
import { repoPath } from '../../scripts/repo.js';
import type { ConsumerContext, ConsumerRules, Finding } from './types.js';

export const VERSIONS = ['4.17', '4.19', '4.21'] as const;
export type Version = (typeof VERSIONS)[number];
export type Shape = 'standard' | 'compact' | 'single-node';

export const SHAPES: Record<Shape, { topology: Topology; controlPlaneTopology: string }> = {
  standard: {
    topology: { hasSchedulableMasters: false, hasDedicatedWorkers: true, singleNode: false, nodes: 6, masters: 3, workers: 3 },
    controlPlaneTopology: 'HighlyAvailable',
  },
  compact: {
    topology: { hasSchedulableMasters: true, hasDedicatedWorkers: false, singleNode: false, nodes: 3, masters: 3, workers: 0 },
    controlPlaneTopology: 'HighlyAvailable',
  },
  'single-node': {
    topology: { hasSchedulableMasters: true, hasDedicatedWorkers: false, singleNode: true, nodes: 1, masters: 1, workers: 0 },
    controlPlaneTopology: 'SingleReplica',
  },
};

export const DESCHEDULER_CRD = 'kubedeschedulers.operator.openshift.io';
const baseCrds = new Map<string, CrdInfo>(loadCrds(crdDir()).map((c) => [c.metadata?.name ?? '', projectCrd(c)]));

/** The CRDs of a cluster on `version`: the folder in use, with that release's KubeDescheduler CRD (or none). */
export function crdsFor(version: string, opts: { descheduler?: boolean } = {}): Map<string, CrdInfo> {
  const dir = join(crdDir(), 'descheduler-versions');
  const file = readdirSync(dir).find((n) => n.includes(version.replace('.', '-')) && /\.ya?ml$/.test(n));
  if (!file) throw new Error(`no KubeDescheduler CRD for ${version} in ${dir}`);
  const crds = new Map(baseCrds);
  for (const c of loadCrds(join(dir, file))) crds.set(c.metadata?.name ?? '', projectCrd(c));
  if (opts.descheduler === false) crds.delete(DESCHEDULER_CRD);
  return crds;
}

/** A scenario's HyperConverged: autopilot on, plus its annotations and spec, and what HCO itself
 *  reports — whether the infrastructure can live-migrate at all (not on a single node). */
export function scenarioHco(shape: Shape, annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}): KubeObject {
  return {
    ...hcoObject('openshift-cnv', { 'platform.kubevirt.io/autopilot': 'true', ...annotations }, spec),
    status: { infrastructureHighlyAvailable: shape !== 'single-node' },
  };
}

export interface RenderedCatalog {
  /** The HyperConverged as the golden config leaves it. */
  hco: KubeObject;
  objects: KubeObject[];
  /** Asset name per rendered object. */
  assetOf: Map<KubeObject, string>;
  /** Why each asset that rendered nothing did not (its outcome's message). */
  skipped: Map<string, string>;
  /** Assets whose render failed, with the message. */
  failed: string[];
}

const ASSETS = repoPath('assets');

/** The whole catalog through the operator's offline chain, for this HCO and these facts. */
export async function renderCatalog(live: KubeObject, facts: ClusterFacts, assetsDir = ASSETS): Promise<RenderedCatalog> {
  const cluster = new OfflineCluster(live, facts);
  const chain = buildChain(
    {
      renderer: new Renderer(assetsDir),
      cache: cluster,
      record: { events: { emit: () => undefined }, memory: new OutcomeMemory() },
      policies: familyPolicies(),
    },
    offlineEnd(),
  );
  const evals = await evaluateCatalog(loadCatalog(assetsDir), chain, live, facts, { projectHco: true, policies: familyPolicies() });
  const out: RenderedCatalog = { hco: live, objects: [], assetOf: new Map(), skipped: new Map(), failed: [] };
  for (const e of evals) {
    const obj = renderedObject(e.outcome);
    if (obj) {
      out.objects.push(obj);
      out.assetOf.set(obj, e.asset.name);
      if (e.asset.reconcileOrder === 0) out.hco = approximateApply(live, obj) as KubeObject;
    } else out.skipped.set(e.asset.name, e.outcome.message);
    if (e.outcome.status === 'failed') out.failed.push(`${e.asset.name}: ${e.outcome.message}`);
  }
  return out;
}

/** Every object through every rule module that judges its kind. */
export async function judge(
  objects: KubeObject[],
  hco: KubeObject,
  openshiftVersion: string,
  rules: readonly ConsumerRules[],
): Promise<{ findings: Finding[]; validated: number }> {
  const ctx: ConsumerContext = { openshiftVersion, hco, objects };
  const findings: Finding[] = [];
  let validated = 0;
  for (const obj of objects) {
    const mine = rules.filter((r) => r.kinds.includes(obj.kind ?? ''));
    if (mine.length) validated++;
    for (const r of mine) findings.push(...(await r.validate(obj, ctx)));
  }
  return { findings, validated };
}
