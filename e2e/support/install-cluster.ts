// Support for the install e2e: kubectl as a process, a kubeconfig for a ServiceAccount's
// TokenRequest token, a cluster seeded so that as many assets as possible are eligible, and the
// convergence check that decides whether the operator, with exactly its installed RBAC, converged.
import type { AssetReport } from '../../operator/chain/asset-report.js';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ANNOTATIONS, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../operator/vocabulary/annotations.js';
import type { Catalog } from '../../operator/catalog/catalog.js';
import { detectHardware, projectNode } from '../../operator/catalog/hardware.js';
import { detectTopology } from '../../operator/catalog/topology.js';
import { loadTombstones } from '../../operator/catalog/tombstones.js';
import { buildChain, offlineEnd } from '../../operator/chain/chain.js';
import { evaluateCatalog, renderedObject } from '../../operator/chain/evaluate-catalog.js';
import { OutcomeMemory } from '../../operator/chain/outcome-memory.js';
import { familyPolicies } from '../../operator/families/registry.js';
import { clusterFacts } from '../../operator/render/context.js';
import { OfflineCluster } from '../../operator/watch/offline-cluster.js';
import type { KubeClient } from '../../operator/kube/client.js';
import type { CrdInfo } from '../../operator/vocabulary/crd-info.js';
import { pathOf, resolveResource } from '../../operator/vocabulary/resource.js';
import { describeObject, type KubeObject } from '../../operator/vocabulary/object.js';
import { HCO_NAME } from '../../operator/vocabulary/hco.js';
import { Renderer } from '../../operator/render/renderer.js';
import type { ControlPlane } from '../../localcluster/controlplane.js';
import { allOptIns } from '../../rbac-gen/collect.js';
import type { OperatorProcess } from '../../localcluster/operator-process.js';
import { ensureNamespaces } from '../../localcluster/namespaces.js';

export const OPERATOR_NAMESPACE = 'virt-platform-operator';
export const OPERATOR_SA = 'virt-platform-operator';
export const HCO_NAMESPACE = 'openshift-cnv';
export { HCO_NAME } from '../../operator/vocabulary/hco.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the control plane's kubectl (1.36, built-in kustomize) as the admin. */
export function kubectl(cp: ControlPlane, args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cp.binaries.kubectl, ['--kubeconfig', cp.kubeconfigPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A kubeconfig file authenticated by a TokenRequest token of the ServiceAccount (not the admin). */
export async function serviceAccountKubeconfig(cp: ControlPlane, dir: string, namespace = OPERATOR_NAMESPACE, name = OPERATOR_SA): Promise<string> {
  const tr = await cp.admin.create<KubeObject & { status: { token: string } }>(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  const file = join(dir, `kubeconfig-${namespace}-${name}`);
  writeFileSync(file, cp.kubeconfigForToken(tr.status.token, `system:serviceaccount:${namespace}:${name}`).exportConfig(), { mode: 0o600 });
  return file;
}

/** A schedulable control-plane node and a worker with every kind of hardware NFD reports. */
export const NODES: KubeObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'master-0',
      labels: { 'kubernetes.io/hostname': 'master-0', 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '' },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'worker-0',
      labels: {
        'kubernetes.io/hostname': 'worker-0',
        'node-role.kubernetes.io/worker': '',
        'feature.node.kubernetes.io/pci-0300_10de.present': 'true',
        'feature.node.kubernetes.io/memory-numa': 'true',
        'feature.node.kubernetes.io/iommu-enabled': 'true',
        'feature.node.kubernetes.io/usb-ef_1d6b_0002.present': 'true',
        'nvidia.com/gpu.present': 'true',
      },
    },
  },
];

/**
 * The HCO an admin who wants everything would write: autopilot, every opt-in annotation and feature
 * gate the catalog names, and the settings some templates need before they render anything.
 */
export function fullHco(catalog: Catalog): KubeObject {
  const { annotations, featureGates } = allOptIns(catalog);
  return {
    apiVersion: 'hco.kubevirt.io/v1',
    kind: 'HyperConverged',
    metadata: {
      name: HCO_NAME,
      namespace: HCO_NAMESPACE,
      annotations: {
        ...annotations,
        [ANNOTATIONS.autopilot]: 'true',
        'platform.kubevirt.io/numa-hugepages-1gi': '1',
        'platform.kubevirt.io/node-maintenance-target': 'worker-0',
        'platform.kubevirt.io/kubelet-max-pods': '500',
      },
    },
    spec: { featureGates: featureGates.map((name) => ({ name, state: 'Enabled' })) },
  };
}

/** The namespaces the assets would write to on this cluster (rendered offline, same chain). */
export async function targetNamespaces(catalog: Catalog, hco: KubeObject, crds: ReadonlyMap<string, CrdInfo>): Promise<string[]> {
  const nodes = NODES.map((n) => projectNode(n));
  const cluster = new OfflineCluster(hco, clusterFacts({ hardware: detectHardware(nodes), topology: detectTopology(nodes), crds, objectExists: () => true }));
  const chain = buildChain(
    {
      renderer: new Renderer(catalog.dir),
      cache: cluster,
      record: { events: { emit: () => undefined }, memory: new OutcomeMemory() },
      policies: familyPolicies(),
    },
    offlineEnd(),
  );
  const evals = await evaluateCatalog(catalog, chain, hco, cluster.facts, { projectHco: true, policies: familyPolicies() });
  const ns = new Set<string>();
  for (const e of evals) {
    const namespace = renderedObject(e.outcome)?.metadata?.namespace;
    if (namespace) ns.add(namespace);
  }
  return [...ns].sort();
}

/** Creates the nodes, the HCO namespace and HCO, and every namespace the assets target. */
export async function seedCluster(admin: KubeClient, catalog: Catalog, crds: ReadonlyMap<string, CrdInfo>): Promise<{ hco: KubeObject; namespaces: string[] }> {
  for (const n of NODES) await admin.create('/api/v1/nodes', n);
  const hco = fullHco(catalog);
  const namespaces = [...new Set([HCO_NAMESPACE, ...(await targetNamespaces(catalog, hco, crds))])].sort();
  await ensureNamespaces(admin, namespaces);
  await admin.create(`/apis/hco.kubevirt.io/v1/namespaces/${HCO_NAMESPACE}/hyperconvergeds`, hco);
  return { hco, namespaces };
}

/**
 * Creates every object assets/tombstones names, labelled as the operator's (as an older version
 * would have left it), so that the run has something to delete: proof that delete is granted.
 */
export async function seedTombstones(admin: KubeClient, catalog: Catalog, crds: ReadonlyMap<string, CrdInfo>): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const { object: t } of loadTombstones(catalog.dir)) {
    const ref = resolveResource(t.apiVersion!, t.kind!, crds);
    if (!ref) throw new Error(`tombstone ${t.kind} ${t.metadata?.name}: its kind is not served here`);
    const obj: KubeObject = { ...t, metadata: { ...t.metadata, labels: { ...t.metadata?.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } };
    if (ref.namespaced && t.metadata?.namespace) await ensureNamespaces(admin, [t.metadata.namespace]);
    await admin.create(pathOf(ref, obj).replace(/\/[^/]+$/, ''), obj);
    out.push(obj);
  }
  return out;
}

/** One /debug/explain row. */
export type ExplainRow = AssetReport;

export interface Convergence {
  ok: boolean;
  /** Assets the operator considers (everything not skipped as not eligible / not applicable). */
  eligible: string[];
  /** Eligible assets whose object is created or in sync, and present on the cluster with the label. */
  converged: string[];
  /** Everything wrong, one line each: failed assets, 403s in the logs, objects missing. */
  problems: string[];
  explain: ExplainRow[];
}

const CONVERGED = new Set(['created', 'updated', 'in-sync']);
const FORBIDDEN = /\b403\b|forbidden/i;
const NO_REPORT = 'no explain report yet for';

/** Skipped for a reason that is configuration, not a fault: the asset is not eligible here. */
function notEligible(r: ExplainRow): boolean {
  return r.status === 'skipped' && r.reason !== 'CRDMissing' && /^(not eligible|not applicable)/.test(r.message);
}

/** /debug/render: "# asset: <name>" + one YAML document per asset that would be applied now. */
async function renderedObjects(debugPort: number): Promise<Map<string, KubeObject>> {
  const res = await fetch(`http://127.0.0.1:${debugPort}/debug/render`);
  if (!res.ok) throw new Error(`/debug/render: HTTP ${res.status}`);
  const out = new Map<string, KubeObject>();
  for (const doc of (await res.text()).split(/^---$/m)) {
    const name = /^# asset: (\S+)$/m.exec(doc)?.[1];
    const obj = yaml.load(doc) as KubeObject | undefined;
    if (name && obj) out.set(name, obj);
  }
  return out;
}

async function explain(debugPort: number): Promise<ExplainRow[]> {
  const res = await fetch(`http://127.0.0.1:${debugPort}/debug/explain`);
  if (!res.ok) throw new Error(`/debug/explain: HTTP ${res.status}`);
  return (await res.json()) as ExplainRow[];
}

function judge(rows: ExplainRow[], proc: OperatorProcess, catalog: Catalog): Omit<Convergence, 'ok'> {
  const problems: string[] = [];
  const missing = catalog.assets.filter((a) => !rows.some((r) => r.asset === a.name)).map((a) => a.name);
  if (missing.length) problems.push(`${NO_REPORT} ${missing.join(', ')}`);
  const eligible = rows.filter((r) => !notEligible(r));
  for (const r of eligible) {
    if (!CONVERGED.has(r.status)) problems.push(`asset ${r.asset} (${r.kind} ${r.object ?? ''}): ${r.status}${r.reason ? ` ${r.reason}` : ''}: ${r.message}`);
  }
  for (const l of proc.raw) if (FORBIDDEN.test(l)) problems.push(`operator log: ${l}`);
  return { eligible: eligible.map((r) => r.asset), converged: eligible.filter((r) => CONVERGED.has(r.status)).map((r) => r.asset), problems, explain: rows };
}

/**
 * Waits until every eligible asset is created/in sync (per /debug/explain) and stays so for a
 * moment, then checks each object on the cluster (as the admin) and the operator's logs for 403s.
 * Returns early, failing, once every asset has been reported on and only 403s are wrong (they
 * will not fix themselves); otherwise fails at the deadline with what is still wrong.
 */
export async function checkConvergence(o: {
  admin: KubeClient;
  proc: OperatorProcess;
  debugPort: number;
  catalog: Catalog;
  crds: ReadonlyMap<string, CrdInfo>;
  /** Objects the operator must have deleted (seeded tombstones). */
  tombstones?: KubeObject[];
  timeoutMs?: number;
}): Promise<Convergence> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  let last: Omit<Convergence, 'ok'> = { eligible: [], converged: [], problems: ['no /debug/explain answer yet'], explain: [] };
  let cleanSince = 0;
  for (;;) {
    try {
      last = judge(await explain(o.debugPort), o.proc, o.catalog);
    } catch (e) {
      last = { ...last, problems: [`/debug/explain: ${(e as Error).message}`] };
    }
    // A 403 will not fix itself: stop once every asset has a row and nothing but 403s is left (the
    // pass that hit the 403 may still be applying the assets after it; anything else wrong waits
    // for the deadline and is reported).
    if (last.problems.some((p) => FORBIDDEN.test(p)) && last.problems.every((p) => FORBIDDEN.test(p))) break;
    if (last.problems.length === 0) {
      for (const t of o.tombstones ?? []) {
        const ref = resolveResource(t.apiVersion!, t.kind!, o.crds);
        if (ref && (await o.admin.getOrUndefined(pathOf(ref, t)))) last.problems.push(`tombstone ${t.kind} ${t.metadata?.name} is still on the cluster`);
      }
    }
    if (last.problems.length === 0) {
      cleanSince ||= Date.now();
      if (Date.now() - cleanSince >= 1500) break;
    } else cleanSince = 0;
    if (!o.proc.running) {
      last.problems.push(`the operator exited; last lines:\n${o.proc.raw.slice(-10).join('\n')}`);
      break;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // The objects themselves, as the operator would write them now (/debug/render), read back as the admin.
  const rendered = await renderedObjects(o.debugPort).catch(() => new Map<string, KubeObject>());
  for (const asset of last.converged) {
    const d = rendered.get(asset);
    const ref = d?.apiVersion && d.kind ? resolveResource(d.apiVersion, d.kind, o.crds) : undefined;
    if (!d || !ref) {
      last.problems.push(`asset ${asset}: /debug/render has no object for it`);
      continue;
    }
    const what = describeObject(d);
    const live = await o.admin.getOrUndefined(pathOf(ref, d));
    if (!live) last.problems.push(`asset ${asset}: ${what} is not on the cluster`);
    else if (live.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) last.problems.push(`asset ${asset}: ${what} lacks the managed-by label`);
  }
  return { ...last, ok: last.problems.length === 0 && last.eligible.length > 0 };
}
