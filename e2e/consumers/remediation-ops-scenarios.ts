// Scenarios for the non-machine-config families: the whole catalog rendered offline through the
// operator's own chain (as `render` and /debug/render do) for a cluster shape, an OpenShift
// version (with that release's KubeDescheduler CRD) and a HyperConverged, then every rendered
// object judged by the consumer rules of remediation, descheduler, operators and hco.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../operator/catalog/catalog.js';
import { DETECTORS, type Hardware } from '../../operator/catalog/hardware.js';
import type { Topology } from '../../operator/catalog/topology.js';
import { buildChain } from '../../operator/chain/chain.js';
import type { LiveCache } from '../../operator/chain/deps.js';
import { evaluateCatalog, overlay } from '../../operator/cli/evaluate.js';
import { projectCrd, type CrdInfo } from '../../operator/kube/crd-info.js';
import type { KubeObject } from '../../operator/kube/types.js';
import type { ClusterFacts } from '../../operator/render/context.js';
import { Renderer } from '../../operator/render/renderer.js';
import { crdDir, loadCrds } from '../../envtest/crds.js';
import { repoPath } from '../../envtest/repo.js';
import { remediationOperatorsRules } from './rules/index.js';
import type { ConsumerContext, Finding } from './types.js';

export const VERSIONS = ['4.17', '4.19', '4.21'] as const;
export type Shape = 'standard' | 'compact' | 'sno';

const TOPOLOGY: Record<Shape, Topology> = {
  standard: { hasSchedulableMasters: false, hasDedicatedWorkers: true, singleNode: false, nodes: 6, masters: 3, workers: 3 },
  compact: { hasSchedulableMasters: true, hasDedicatedWorkers: false, singleNode: false, nodes: 3, masters: 3, workers: 0 },
  sno: { hasSchedulableMasters: true, hasDedicatedWorkers: false, singleNode: true, nodes: 1, masters: 1, workers: 0 },
};

const ASSETS = repoPath('assets');
const catalog = loadCatalog(ASSETS);
const renderer = new Renderer(ASSETS);
const DESCHEDULER_CRD = 'kubedeschedulers.operator.openshift.io';
const baseCrds = new Map<string, CrdInfo>(loadCrds(crdDir()).map((c) => [c.metadata!.name!, projectCrd(c)]));

/** The CRDs of a cluster on `version`: the default folder, with that release's KubeDescheduler CRD. */
export function crdsFor(version: string): Map<string, CrdInfo> {
  const dir = join(crdDir(), 'descheduler-versions');
  const file = readdirSync(dir).find((n) => n.includes(version.replace('.', '-')) && /\.ya?ml$/.test(n));
  if (!file) throw new Error(`no KubeDescheduler CRD for ${version} in ${dir}`);
  const [crd] = loadCrds(join(dir, file));
  return new Map([...baseCrds, [DESCHEDULER_CRD, projectCrd(crd!)]]);
}

export interface Scenario {
  shape: Shape;
  version: (typeof VERSIONS)[number];
  annotations?: Record<string, string>;
  spec?: Record<string, unknown>;
  crds?: Map<string, CrdInfo>;
}

export function scenarioHco(sc: Scenario): KubeObject {
  return {
    apiVersion: 'hco.kubevirt.io/v1',
    kind: 'HyperConverged',
    metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv', annotations: { 'platform.kubevirt.io/autopilot': 'true', ...sc.annotations } },
    spec: sc.spec ?? {},
    // What HCO itself reports: more than one node for workloads (pkg/internal/nodeinfo).
    status: { infrastructureHighlyAvailable: sc.shape !== 'sno' },
  };
}

export interface Rendered {
  /** The HyperConverged as the golden config leaves it. */
  hco: KubeObject;
  objects: KubeObject[];
  /** Asset name per rendered object. */
  assetOf: Map<KubeObject, string>;
  skipped: Map<string, string>;
}

/** Renders the catalog through the offline chain, as the render CLI does. */
export async function renderScenario(sc: Scenario): Promise<Rendered> {
  const crds = sc.crds ?? crdsFor(sc.version);
  const facts: ClusterFacts = {
    hardware: Object.fromEntries(DETECTORS.map((d) => [d, true])) as Hardware,
    topology: TOPOLOGY[sc.shape],
    openshift: { version: sc.version, platform: 'BareMetal' },
    crds,
    objectExists: (kind, _ns, name) => (kind === 'CustomResourceDefinition' ? crds.has(name) : kind === 'Namespace'),
  };
  const live = scenarioHco(sc);
  const cache: LiveCache = { get: (r, ns, name) => (r.kind === 'HyperConverged' && name === live.metadata?.name && ns === live.metadata?.namespace ? live : undefined), upsert: () => undefined };
  const chain = buildChain({ renderer, cache, events: { emit: () => undefined } });
  const evals = await evaluateCatalog(catalog, chain, live, facts, true);
  const assetOf = new Map<KubeObject, string>();
  const skipped = new Map<string, string>();
  let hco = live;
  for (const e of evals) {
    if (e.outcome.status === 'rendered' && e.outcome.desired) {
      assetOf.set(e.outcome.desired, e.asset.name);
      if (e.asset.reconcileOrder === 0) hco = overlay(live, e.outcome.desired) as KubeObject;
    } else skipped.set(e.asset.name, e.outcome.message);
  }
  return { hco, objects: [...assetOf.keys()], assetOf, skipped };
}

/** Every finding of this half's consumer rules on a rendered scenario. */
export async function judge(r: Rendered, version: string): Promise<Finding[]> {
  const ctx: ConsumerContext = { openshiftVersion: version, hco: r.hco, objects: r.objects };
  const out: Finding[] = [];
  for (const obj of r.objects) {
    for (const rules of remediationOperatorsRules) if (rules.kinds.includes(obj.kind ?? '')) out.push(...(await rules.validate(obj, ctx)));
  }
  return out;
}
