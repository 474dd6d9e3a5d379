// Moving over from the Go autopilot on the real API server: a cluster that ran it (its objects,
// labelled and applied as it does, and an HCO annotated in its dialect - aliases, enable-* keys,
// a YAML-list disabled-resources) converges under this operator with one configuration per pool
// and purpose: its same-purpose objects are removed once their replacements are applied, its
// same-named objects adopted (and the fields only it set released), an admin's objects untouched.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../operator/vocabulary/annotations.js';
import type { KubeClient } from '../operator/kube/client.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { testCluster } from '../envtest/harness.js';
import { repoPath } from '../scripts/repo.js';
import { CV, setClusterVersion } from './support/cluster-version.js';
import { WORLD } from '../operator/controller/work-item.js';
import { eventsFor, eventually, reasons, sleep, startOperator, type OperatorFixture } from './support/operator-fixture.js';
import { ensureNamespaces } from '../localcluster/namespaces.js';

const GO = 'virt-platform-autopilot';
const MCS = '/apis/machineconfiguration.openshift.io/v1/machineconfigs';
const KCS = '/apis/machineconfiguration.openshift.io/v1/kubeletconfigs';
const UIS = '/apis/observability.openshift.io/v1alpha1/uiplugins';
const TEST_LABEL = 'virt-platform-operator.test/migration';

const mc = (name: string, spec: Record<string, unknown>, labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfig',
  metadata: { name, labels: { 'machineconfiguration.openshift.io/role': 'worker', [TEST_LABEL]: 'true', ...labels }, annotations },
  spec,
});
const goLabel = { [MANAGED_BY_LABEL]: GO };
const swapUnit = {
  config: {
    ignition: { version: '3.2.0' },
    systemd: {
      units: [
        { name: 'swap-disk-enable.service', enabled: true, contents: '[Service]\nType=oneshot\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n' },
      ],
    },
  },
};

describe('migration from the Go autopilot (real operator core)', () => {
  let client: KubeClient;
  let f: OperatorFixture;
  /** Applies an object as the Go autopilot does (its field manager, its label). */
  const goApply = (path: string, o: KubeObject): Promise<KubeObject> => client.apply(`${path}/${o.metadata!.name}`, o, { fieldManager: GO });
  const worker = async (): Promise<KubeObject[]> =>
    (await client.listAll(MCS)).items.filter((o) => o.metadata?.labels?.['machineconfiguration.openshift.io/role'] === 'worker');

  before(async () => {
    client = (await testCluster()).admin;
    await ensureNamespaces(client, ['openshift-kube-descheduler-operator']);
    await setClusterVersion(client, '4.21.3');
    // What the Go autopilot left on the cluster.
    await goApply(MCS, mc('90-worker-swap-online', swapUnit, goLabel));
    await goApply(MCS, mc('99-openshift-machineconfig-worker-psi-karg', { kernelArguments: ['psi=1'] }, goLabel));
    await goApply(MCS, mc('99-worker-ksm-zero-only', { config: { ignition: { version: '3.2.0' } } }, goLabel));
    await goApply(MCS, mc('99-worker-vm-drain-shutdown-inhibitor', { config: { ignition: { version: '3.2.0' } } }, goLabel));
    await goApply(KCS, {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'KubeletConfig',
      metadata: { name: 'virt-perf-settings', labels: { ...goLabel, [TEST_LABEL]: 'true' } },
      spec: {
        machineConfigPoolSelector: { matchLabels: { 'pools.operator.machineconfiguration.openshift.io/worker': '' } },
        kubeletConfig: { nodeStatusMaxImages: -1, maxPods: 500 },
      },
    });
    // Same name as an asset here (adopted); it also set a field this operator does not.
    await goApply(UIS, {
      apiVersion: 'observability.openshift.io/v1alpha1',
      kind: 'UIPlugin',
      metadata: { name: 'troubleshooting-panel', labels: goLabel },
      spec: { type: 'TroubleshootingPanel', troubleshootingPanel: { timeout: '5m' } },
    });
    // An admin's own object under a Go name: never touched.
    await client.apply(`${MCS}/50-virt-pci-passthrough`, mc('50-virt-pci-passthrough', { kernelArguments: ['iommu=pt'] }, {}), { fieldManager: 'admin' });
    f = await startOperator(repoPath('assets'), {
      // The Go dialect: its allowlist names, its enable-* keys, its disabled-resources list.
      'platform.kubevirt.io/autopilot':
        'swap-enable,descheduler-loadaware,kubelet-perf-settings,ksm-zero-only,vm-drain-shutdown-inhibitor,troubleshooting-panel-ui-plugin,monitoring-ui-plugin',
      'platform.kubevirt.io/enable-ksm-zero-only': 'true',
      'platform.kubevirt.io/enable-vm-drain-shutdown-inhibitor': 'true',
      'platform.kubevirt.io/enable-korrel8r': 'true',
      'platform.kubevirt.io/disabled-resources': '- kind: UIPlugin\n  name: monitoring\n',
    });
    await client.mergePatch(f.hcoPath, { spec: { virtualization: { higherWorkloadDensity: { memoryOvercommitPercentage: 150 } } } }, 'kubectl-edit');
  });

  after(async () => {
    await f?.stop();
    for (const o of (await client.listAll(MCS)).items.filter((x) => x.metadata?.labels?.[TEST_LABEL] || x.metadata?.labels?.[MANAGED_BY_LABEL]))
      await client.delete(`${MCS}/${o.metadata!.name}`).catch(() => undefined);
    for (const o of (await client.listAll(KCS)).items.filter((x) => x.metadata?.labels?.[TEST_LABEL] || x.metadata?.labels?.[MANAGED_BY_LABEL]))
      await client.delete(`${KCS}/${o.metadata!.name}`).catch(() => undefined);
    for (const n of ['troubleshooting-panel', 'monitoring']) await client.delete(`${UIS}/${n}`).catch(() => undefined);
    await client.delete(CV).catch(() => undefined);
  });

  it('converges: one configuration per pool and purpose, the Go objects replaced, nothing of the admin touched', async () => {
    const gone = ['90-worker-swap-online', '99-openshift-machineconfig-worker-psi-karg', '99-worker-ksm-zero-only', '99-worker-vm-drain-shutdown-inhibitor'];
    await eventually(
      'Go MachineConfigs replaced',
      async () => {
        const names = new Set((await worker()).map((o) => o.metadata!.name!));
        return gone.every((n) => !names.has(n)) && ['swap', 'psi', 'ksm', 'vm-drain'].every((w) => names.has(`90-worker-virt-platform-${w}`));
      },
      30_000,
    );
    await f.operator.settle();
    const mcs = await worker();
    const names = mcs.map((o) => o.metadata!.name!).sort();
    // One per purpose on the worker pool.
    const purposes: Record<string, RegExp> = { swap: /swap/, psi: /psi/, ksm: /ksm/, 'vm-drain': /vm-drain/ };
    for (const [purpose, re] of Object.entries(purposes))
      assert.deepEqual(
        names.filter((n) => re.test(n) && !/hygiene/.test(n)),
        [`90-worker-virt-platform-${purpose}`],
        `${purpose}: ${names.join(', ')}`,
      );
    for (const o of mcs.filter((x) => x.metadata?.name?.startsWith('90-worker-virt-platform-')))
      assert.equal(o.metadata?.labels?.[MANAGED_BY_LABEL], MANAGED_BY_VALUE);
    // One KubeletConfig for the worker pool (one per pool takes effect).
    const kcs = (await client.listAll(KCS)).items.filter((o) => JSON.stringify(o.spec).includes('pools.operator.machineconfiguration.openshift.io/worker'));
    assert.equal(kcs.length, 1, kcs.map((o) => o.metadata?.name).join(', '));
    assert.notEqual(kcs[0]!.metadata?.name, 'virt-perf-settings');
    // The admin's object under a Go name is untouched.
    const admin = await client.get(`${MCS}/50-virt-pci-passthrough`);
    assert.equal(admin.metadata?.labels?.[MANAGED_BY_LABEL], undefined);
    // disabled-resources in the Go YAML-list dialect: the monitoring plugin is not created.
    assert.equal(await client.getOrUndefined(`${UIS}/monitoring`), undefined);
    const migrated = (await eventsFor(client, 'HyperConverged', 'kubevirt-hyperconverged', f.ns))
      .filter((e) => e.reason === 'MigratedFromGoAutopilot')
      .map((e) => e.message);
    assert.equal(migrated.length, 5, migrated.join('\n'));
    const states = [...f.operator.reconciler.migration.states.values()];
    assert.ok(
      states.some((s) => s.object === 'MachineConfig 90-worker-swap-online' && s.state === 'removed' && s.detail === 'replaced by swap-enable-worker'),
      JSON.stringify(states),
    );
  });

  it('adopts the same-named object and releases the fields only the Go autopilot set', async () => {
    const ui = await eventually(
      'adopted',
      async () => {
        const o = await client.get(`${UIS}/troubleshooting-panel`);
        return o.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && !(o.spec as Record<string, unknown>).troubleshootingPanel ? o : undefined;
      },
      20_000,
    );
    assert.equal((ui.spec as { type: string }).type, 'TroubleshootingPanel');
    assert.ok(!ui.metadata?.managedFields?.some((m) => m.manager === GO), 'the Go field manager owns nothing any more');
  });

  it('steady state after the migration: no request, no Event', async () => {
    await f.operator.settle();
    f.requests.clear();
    const before = (await eventsFor(client, 'HyperConverged', 'kubevirt-hyperconverged', f.ns)).length;
    f.operator.reconciler.queue.add(WORLD);
    await sleep(300);
    await f.operator.settle();
    assert.deepEqual([...f.requests.entries()], []);
    assert.equal((await eventsFor(client, 'HyperConverged', 'kubevirt-hyperconverged', f.ns)).length, before);
  });

  it('a Go object that comes back (the Go autopilot still runs) is left alone, with a Warning', async () => {
    await goApply(MCS, mc('90-worker-swap-online', swapUnit, goLabel));
    await eventually(
      'MigrationBlocked',
      async () => reasons(await eventsFor(client, 'HyperConverged', 'kubevirt-hyperconverged', f.ns)).includes('MigrationBlocked'),
      20_000,
    );
    await f.operator.settle();
    assert.ok(await client.getOrUndefined(`${MCS}/90-worker-swap-online`), 'not deleted a second time');
    assert.equal(f.operator.reconciler.migration.states.get('MachineConfig/*/90-worker-swap-online')?.state, 'recreated');
  });

  it('a Go object the admin marked unmanaged is left in place', async () => {
    await goApply(MCS, mc('99-worker-thp-tuning', { config: { ignition: { version: '3.2.0' } } }, goLabel, { 'platform.kubevirt.io/mode': 'unmanaged' }));
    await client.mergePatch(
      f.hcoPath,
      {
        metadata: {
          annotations: {
            'platform.kubevirt.io/autopilot':
              'swap-enable,descheduler-loadaware,kubelet-perf-settings,ksm-zero-only,vm-drain-shutdown-inhibitor,troubleshooting-panel-ui-plugin,thp-tuning',
            'platform.kubevirt.io/enable-thp-tuning': 'true',
          },
        },
      },
      'kubectl-annotate',
    );
    await eventually('thp applied', () => client.getOrUndefined(`${MCS}/90-worker-virt-platform-thp`), 20_000);
    await f.operator.settle();
    assert.ok(await client.getOrUndefined(`${MCS}/99-worker-thp-tuning`));
    assert.equal(f.operator.reconciler.migration.states.get('MachineConfig/*/99-worker-thp-tuning')?.state, 'left');
  });
});
