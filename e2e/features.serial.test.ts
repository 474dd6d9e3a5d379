// Each feature of the catalog turned on by its annotation, through the real operator core against
// the real API server: after each annotation, exactly that feature's objects are applied - nothing
// more, nothing less - and /debug/features-style status says it is on. Serial: MachineConfigs and
// other cluster-scoped objects, and the ClusterVersion (OpenShift 4.21 here), are cluster-wide.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../operator/vocabulary/annotations.js';
import { featureStatuses } from '../operator/catalog/feature-status.js';
import type { KubeClient } from '../operator/kube/client.js';
import { isStatus } from '../operator/kube/errors.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { testCluster } from '../envtest/harness.js';
import { repoPath } from '../scripts/repo.js';
import { CV, setClusterVersion } from './support/cluster-version.js';
import { eventually, startOperator, type OperatorFixture } from './support/operator-fixture.js';
import { ensureNamespaces } from '../localcluster/namespaces.js';

const NAMESPACES = ['openshift-logging', 'openshift-workload-availability'];
/** Collections of every kind the features below write (cluster-wide, label-selected). */
const COLLECTIONS: [string, string][] = [
  ['MachineConfig', '/apis/machineconfiguration.openshift.io/v1/machineconfigs'],
  ['KubeletConfig', '/apis/machineconfiguration.openshift.io/v1/kubeletconfigs'],
  ['LokiStack', '/apis/loki.grafana.com/v1/lokistacks'],
  ['ClusterLogForwarder', '/apis/observability.openshift.io/v1/clusterlogforwarders'],
  ['ServiceAccount', '/api/v1/serviceaccounts'],
  ['ClusterRoleBinding', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings'],
  ['UIPlugin', '/apis/observability.openshift.io/v1alpha1/uiplugins'],
  ['PersesDashboard', '/apis/perses.dev/v1alpha2/persesdashboards'],
  ['StorageBasedRemediationConfig', '/apis/storage-based-remediation.medik8s.io/v1alpha1/storagebasedremediationconfigs'],
  ['NodeHealthCheck', '/apis/remediation.medik8s.io/v1alpha1/nodehealthchecks'],
];

async function managed(client: KubeClient): Promise<Map<string, KubeObject>> {
  const out = new Map<string, KubeObject>();
  for (const [kind, path] of COLLECTIONS) {
    for (const o of (await client.listAll(path, { labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` })).items) {
      out.set(`${kind} ${o.metadata?.namespace ? o.metadata.namespace + '/' : ''}${o.metadata?.name}`, o);
    }
  }
  return out;
}

const WORKERS = ['features-worker-0', 'features-worker-1', 'features-worker-2'];

describe('features: each turned on by its annotation applies exactly its objects (real operator core)', () => {
  let client: KubeClient;
  let f: OperatorFixture;
  let before_: Set<string>;

  before(async () => {
    client = (await testCluster()).admin;
    await ensureNamespaces(client, NAMESPACES);
    // OpenShift 4.21: swap (and its hygiene) and the troubleshooting panel apply there.
    await setClusterVersion(client, '4.21.3');
    // Three workers: a NodeHealthCheck needs enough selected nodes for minHealthy 51% to allow a
    // remediation (the remediation family's gate), as on any cluster it is meant for.
    for (const name of WORKERS) {
      await client
        .create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'node-role.kubernetes.io/worker': '' } } })
        .catch((e: unknown) => {
          if (!isStatus(e, 409)) throw e;
        });
    }
    f = await startOperator(repoPath('assets'), {
      'platform.kubevirt.io/autopilot': 'true',
      'platform.kubevirt.io/logging-storage-secret': 'logging-loki-s3',
      'platform.kubevirt.io/logging-storage-class': 'lvms-vg1',
      'platform.kubevirt.io/sbr-storage-class': 'ocs-storagecluster-cephfs',
    });
    await client.mergePatch(f.hcoPath, { spec: { virtualization: { higherWorkloadDensity: { memoryOvercommitPercentage: 150 } } } }, 'kubectl-edit');
    await eventually('swap for VM pods on 4.21', async () => (await managed(client)).has('MachineConfig 90-worker-virt-platform-swap'), 20_000);
    await f.operator.settle();
    before_ = new Set((await managed(client)).keys());
  });

  after(async () => {
    for (const name of WORKERS) await client.delete(`/api/v1/nodes/${name}`).catch(() => undefined);
    await f?.stop();
    const left = await managed(client).catch(() => new Map<string, KubeObject>());
    for (const [key, o] of left) {
      const path = COLLECTIONS.find(([k]) => k === key.split(' ')[0])![1];
      const ns = o.metadata?.namespace;
      const base = ns ? path.replace(/\/([a-z]+)$/, `/namespaces/${ns}/$1`) : path;
      await client.delete(`${base}/${o.metadata!.name}`).catch(() => undefined);
    }
    await client.delete(CV).catch(() => undefined);
  });

  const features: [string, Record<string, string>, string[]][] = [
    ['ksm-zero-pages', { 'platform.kubevirt.io/enable-ksm-zero-pages': 'true' }, ['MachineConfig 90-worker-virt-platform-ksm']],
    ['thp-tuning', { 'platform.kubevirt.io/enable-thp-tuning': 'true' }, ['MachineConfig 90-worker-virt-platform-thp']],
    ['swap-hygiene', { 'platform.kubevirt.io/enable-swap-hygiene': 'true' }, ['MachineConfig 90-worker-virt-platform-swap-hygiene']],
    ['vm-drain', { 'platform.kubevirt.io/enable-vm-drain': 'true' }, ['MachineConfig 90-worker-virt-platform-vm-drain']],
    [
      'logging',
      { 'platform.kubevirt.io/enable-logging': 'true' },
      [
        'LokiStack openshift-logging/logging-loki',
        'ClusterLogForwarder openshift-logging/instance',
        'ServiceAccount openshift-logging/collector',
        'UIPlugin logging',
        'ClusterRoleBinding logging-collector-application',
        'ClusterRoleBinding logging-collector-infrastructure',
        'ClusterRoleBinding logging-collector-logs-writer',
      ],
    ],
    ['audit-logging', { 'platform.kubevirt.io/enable-audit-logging': 'true' }, ['ClusterRoleBinding logging-collector-audit']],
    ['troubleshooting-panel', { 'platform.kubevirt.io/enable-troubleshooting-panel': 'true' }, ['UIPlugin troubleshooting-panel']],
    [
      'node-remediation',
      { 'platform.kubevirt.io/enable-node-remediation': 'true' },
      ['NodeHealthCheck virt-platform-workers', 'StorageBasedRemediationConfig openshift-workload-availability/virt-platform-detection'],
    ],
  ];

  it('the baseline (autopilot on, no opt-in) has none of the opt-in objects, and the always-on observability ones', () => {
    for (const [, , objects] of features) for (const o of objects) assert.ok(!before_.has(o), `${o} before its opt-in`);
    assert.ok(before_.has(`PersesDashboard ${f.ns}/virt-platform-operator-health`), [...before_].join(', '));
    assert.ok(before_.has('UIPlugin monitoring'));
    const status = featureStatuses(f.operator.catalog, f.operator.cache.hco(), f.operator.reconciler.reports.values(), (n) =>
      f.operator.cache.establishedCrds().has(n),
    );
    assert.equal(status.find((s) => s.feature === 'logging')!.state, 'available');
    assert.equal(status.find((s) => s.feature === 'console-observability')!.state, 'on');
  });

  for (const [feature, annotations, objects] of features) {
    it(`${feature}: ${Object.keys(annotations).join(', ')} applies exactly ${objects.length} object(s)`, async () => {
      const t0 = Date.now();
      await client.mergePatch(f.hcoPath, { metadata: { annotations } }, 'kubectl-annotate');
      await eventually(
        `${feature} applied`,
        async () => {
          const now = await managed(client);
          return objects.every((o) => now.has(o));
        },
        20_000,
      );
      await f.operator.settle();
      const now = await managed(client);
      const added = [...now.keys()].filter((k) => !before_.has(k)).sort();
      assert.deepEqual(added, [...objects].sort(), `${feature} added exactly its objects`);
      for (const o of objects) assert.equal(now.get(o)!.metadata?.labels?.[MANAGED_BY_LABEL], MANAGED_BY_VALUE);
      const status = featureStatuses(f.operator.catalog, f.operator.cache.hco(), f.operator.reconciler.reports.values(), (n) =>
        f.operator.cache.establishedCrds().has(n),
      );
      assert.equal(status.find((s) => s.feature === feature)!.state, 'on', feature);
      process.stderr.write(`feature ${feature}: ${objects.length} object(s) in ${Date.now() - t0} ms\n`);
      before_ = new Set(now.keys());
    });
  }

  it('audit logging changed the forwarder too: an audit pipeline through the audit policy', async () => {
    const clf = (await managed(client)).get('ClusterLogForwarder openshift-logging/instance')!;
    const pipelines = (clf.spec as { pipelines: { name: string; filterRefs?: string[] }[] }).pipelines;
    assert.deepEqual(pipelines.find((p) => p.name === 'audit-logs')?.filterRefs, ['audit-policy']);
  });

  it('incident detection: the monitoring plugin gains incidents (an update, no new object)', async () => {
    await client.mergePatch(f.hcoPath, { metadata: { annotations: { 'platform.kubevirt.io/enable-incident-detection': 'true' } } }, 'kubectl-annotate');
    const ui = await eventually(
      'incidents on',
      async () => {
        const o = (await managed(client)).get('UIPlugin monitoring');
        return (o?.spec as { monitoring?: { incidents?: { enabled?: boolean } } } | undefined)?.monitoring?.incidents?.enabled === true ? o : undefined;
      },
      20_000,
    );
    assert.ok(ui);
    await f.operator.settle();
    assert.deepEqual(
      [...(await managed(client)).keys()].filter((k) => !before_.has(k)),
      [],
    );
  });
});
