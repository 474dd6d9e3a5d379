// Proof against real schemas: every asset of the catalog, rendered with a context in which all of
// its conditions hold, is accepted by the installed CRD through a server-side apply in dry-run
// with fieldValidation=Strict (an unknown or duplicate field is an error, not a warning).
// CRD_DIR=../shared/crds runs it against the real upstream CRDs; without it, the fixture CRDs.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../operator/vocabulary/annotations.js';
import { loadCatalog, type Asset } from '../operator/catalog/catalog.js';
import { DETECTORS, type Hardware } from '../operator/catalog/hardware.js';
import { evaluateEligibility, parseActivation } from '../operator/catalog/eligibility.js';
import { dig } from '../operator/util/dig.js';
import type { Topology } from '../operator/catalog/topology.js';
import type { KubeClient } from '../operator/kube/client.js';
import { crdEstablished, projectCrd, type CrdInfo } from '../operator/vocabulary/crd-info.js';
import { pathOf, resolveResource } from '../operator/vocabulary/resource.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { clusterFacts, type ClusterFacts } from '../operator/render/context.js';
import { familyRenderContext } from '../operator/families/registry.js';
import { Renderer } from '../operator/render/renderer.js';
import { crdDir } from '../localcluster/crds.js';
import { testCluster, testNamespace } from '../envtest/harness.js';
import { repoPath } from '../scripts/repo.js';
import { ensureNamespaces } from '../localcluster/namespaces.js';

const ASSETS = repoPath('assets');
const catalog = loadCatalog(ASSETS);
const renderer = new Renderer(ASSETS);

/** Namespaces the namespaced assets target (the namespaces their operators use on OpenShift). */
const TARGET_NAMESPACES = ['openshift-workload-availability', 'openshift-mtv', 'metallb-system', 'openshift-kube-descheduler-operator', 'openshift-logging'];

/** Values some templates read from HCO annotations (they render nothing without them). */
const VALUE_ANNOTATIONS = {
  'platform.kubevirt.io/kubelet-max-pods': '500',
  'platform.kubevirt.io/numa-hugepages-1gi': '16',
  'platform.kubevirt.io/node-maintenance-target': 'worker-0',
  'platform.kubevirt.io/fence-agents-node-parameters': '{"--ip":{"worker-0":"192.168.111.20"}}',
  'platform.kubevirt.io/logging-storage-secret': 'logging-loki-s3',
  'platform.kubevirt.io/logging-storage-class': 'lvms-vg1',
  'platform.kubevirt.io/sbr-storage-class': 'ocs-storagecluster-cephfs',
  'platform.kubevirt.io/enable-incident-detection': 'true',
};

/**
 * A HyperConverged on which every condition of the catalog holds: all opt-in annotations, all
 * feature gates, and the settings templates read (memory overcommit, permitted host devices).
 * hco-field-unconfigured paths are simply left unset (checked below).
 */
function everythingHco(namespace: string): KubeObject {
  const annotations: Record<string, string> = { 'platform.kubevirt.io/autopilot': 'true', ...VALUE_ANNOTATIONS };
  const gates = new Set<string>();
  for (const a of catalog.assets) {
    for (const c of a.conditions) {
      if (c.type === 'annotation') annotations[c.key] = c.value;
      if (c.type === 'feature-gate') gates.add(c.gate);
    }
  }
  return {
    apiVersion: 'hco.kubevirt.io/v1',
    kind: 'HyperConverged',
    metadata: { name: 'kubevirt-hyperconverged', namespace, annotations },
    spec: {
      featureGates: [...gates].map((name) => ({ name, state: 'Enabled' })),
      virtualization: {
        higherWorkloadDensity: { memoryOvercommitPercentage: 150 },
        liveMigrationConfig: { parallelMigrationsPerCluster: 5, parallelOutboundMigrationsPerNode: 2 },
        permittedHostDevices: {
          pciHostDevices: [
            { pciDeviceSelector: '10DE:1EB8', resourceName: 'nvidia.com/TU104GL_Tesla_T4' },
            { pciDeviceSelector: '8086:6F54', resourceName: 'intel.com/qat', externalResourceProvider: true },
          ],
          usbHostDevices: [{ resourceName: 'kubevirt.io/storage', selectors: [{ vendor: '46f4', product: '0001' }] }],
        },
      },
    },
  };
}

function withoutFeatureGates(hco: KubeObject): KubeObject {
  return { ...hco, spec: { ...(hco.spec as Record<string, unknown>), featureGates: [] } };
}

const ALL_HARDWARE = Object.fromEntries(DETECTORS.map((d) => [d, true])) as Hardware;
const ALL_TOPOLOGY: Topology = { hasSchedulableMasters: true, hasDedicatedWorkers: true, singleNode: false, nodes: 6, masters: 3, workers: 3 };

async function installedCrds(client: KubeClient): Promise<Map<string, CrdInfo>> {
  const list = await client.listAll('/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
  return new Map(list.items.filter(crdEstablished).map((c) => [c.metadata!.name!, projectCrd(c)]));
}

/** The chain adds the managed-by label to every object; validate exactly what would be written. */
function labelled(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata?.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } };
}

// The real MachineConfig and KubeletConfig CRDs preserve unknown fields below spec.config and
// spec.kubeletConfig, so Strict validation cannot see inside them: their shape is checked here,
// their content by the consumers (e2e/consumers-matrix.test.ts).
const KUBELET_FIELDS = new Set([
  'nodeStatusMaxImages',
  'maxPods',
  'failSwapOn',
  'memorySwap',
  'cpuManagerPolicy',
  'cpuManagerReconcilePeriod',
  'cpuManagerPolicyOptions',
  'topologyManagerPolicy',
  'topologyManagerScope',
  'memoryManagerPolicy',
  'reservedSystemCPUs',
  'reservedMemory',
  'systemReserved',
  'kubeReserved',
  'podsPerCore',
  'evictionHard',
  'evictionSoft',
]);

function checkOpaqueParts(asset: Asset, obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  if (obj.kind === 'KubeletConfig') {
    const role = asset.templateParams.role as string;
    assert.deepEqual(dig(spec, 'machineConfigPoolSelector.matchLabels'), { [`pools.operator.machineconfiguration.openshift.io/${role}`]: '' });
    const kc = spec.kubeletConfig as Record<string, unknown>;
    for (const k of Object.keys(kc)) assert.ok(KUBELET_FIELDS.has(k), `${asset.name}: kubeletConfig.${k} is not a KubeletConfiguration field we know`);
    if ('maxPods' in kc) assert.equal(typeof kc.maxPods, 'number');
  }
  if (obj.kind === 'MachineConfig') {
    const role = asset.templateParams.role as string;
    assert.equal(obj.metadata?.labels?.['machineconfiguration.openshift.io/role'], role);
    assert.ok(obj.metadata.name!.startsWith(`90-${role}-virt-platform-`), `${asset.name}: MachineConfig name convention`);
    const args = spec.kernelArguments as unknown[] | undefined;
    for (const a of args ?? []) assert.match(String(a), /^[a-z_.]+=[A-Za-z0-9_.-]+$/, `${asset.name}: one kernel argument per entry`);
    // spec.config (Ignition) is judged by its consumers: e2e/consumers-matrix.test.ts.
    const config = spec.config as Record<string, unknown> | undefined;
    if (config) assert.match(String(dig(config, 'ignition.version')), /^3\.[0-4]\.0$/);
  }
}

describe(`every asset is accepted by its CRD (strict server-side dry-run; CRDs from ${crdDir()})`, () => {
  let client: KubeClient;
  let crds: Map<string, CrdInfo>;
  let hco: KubeObject;
  let facts: ClusterFacts;
  const results: string[] = [];

  before(async () => {
    const cluster = await testCluster();
    client = cluster.admin;
    await ensureNamespaces(client, TARGET_NAMESPACES);
    const ns = await testNamespace(cluster, 'assets');
    hco = everythingHco(ns);
    crds = await installedCrds(client);
    // The operator's own monitoring objects go to its namespace: this test's, here.
    facts = clusterFacts({
      hardware: ALL_HARDWARE,
      topology: ALL_TOPOLOGY,
      openshift: { version: '4.21' },
      crds,
      objectExists: () => true,
      operatorNamespace: ns,
    });
  });

  it('the all-conditions context really satisfies every asset (and every gate CRD is installed)', () => {
    for (const a of catalog.assets) {
      for (const c of a.conditions) if (c.type === 'hco-field-unconfigured') assert.equal(dig(hco, c.path), undefined, `${a.name}: ${c.path} must stay unset`);
      const e = evaluateEligibility(a, parseActivation(hco), { hco, hardware: ALL_HARDWARE, topology: ALL_TOPOLOGY, hasCrd: (n) => crds.has(n) });
      assert.deepEqual(e, { eligible: true }, `${a.name}: ${'reason' in e ? e.reason : ''}`);
    }
  });

  for (const asset of catalog.assets) {
    it(`${asset.name} (${asset.kind}) renders and passes strict validation`, async () => {
      // Every rendering is validated: with everything on, and without the feature gates (the
      // kubelet-perf KubeletConfigs step aside while the CPUManager gate is on - see its template).
      const renderings = [hco, withoutFeatureGates(hco)]
        .map((h) => renderer.render(asset, familyRenderContext(h, facts, asset), facts))
        .filter((o): o is KubeObject => o !== undefined);
      assert.ok(renderings.length > 0, `${asset.name} rendered nothing although every condition holds`);
      let crdName = '';
      for (const obj of renderings) {
        assert.equal(obj.kind, asset.kind);
        checkOpaqueParts(asset, obj);
        const r = resolveResource(obj.apiVersion!, obj.kind, crds);
        assert.ok(r, `no installed CRD serves ${obj.kind} ${obj.apiVersion}`);
        crdName = [...crds.values()].find((c) => c.kind === obj.kind && c.group === r.group)?.name ?? '';
        if (asset.gateCrd) assert.equal(crdName, asset.gateCrd, `${asset.name}: gate_crd names the CRD that serves ${obj.kind}`);
        if (r.namespaced) assert.ok(obj.metadata?.namespace, `${asset.name}: a namespaced object needs a namespace`);
        else assert.equal(obj.metadata?.namespace, undefined, `${asset.name}: a cluster-scoped object has no namespace`);
        const applied = await client.apply(pathOf(r, obj), labelled(obj), { dryRun: true, strict: true });
        assert.equal(applied.metadata?.name, obj.metadata?.name);
      }
      results.push(`${asset.name.padEnd(34)} ${asset.kind.padEnd(31)} ${crdName.padEnd(70)} accepted (${renderings.length} rendering(s))`);
    });
  }

  it('the check has teeth: an unknown field is refused under Strict', async () => {
    const asset = catalog.assets.find((a) => a.name === 'metallb')!;
    const obj = renderer.render(asset, familyRenderContext(hco, facts, asset), facts)!;
    const r = resolveResource(obj.apiVersion!, obj.kind!, crds)!;
    const bad = { ...obj, spec: { ...(obj.spec as Record<string, unknown>), notAField: true } };
    await assert.rejects(client.apply(pathOf(r, bad), bad, { dryRun: true, strict: true }), /notAField/);
  });

  it('summary', () => {
    process.stderr.write(`\nstrict dry-run against ${crdDir()}:\n${results.join('\n')}\n`);
    assert.equal(results.length, catalog.assets.length);
  });
});
