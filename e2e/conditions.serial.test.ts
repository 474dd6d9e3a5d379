// One test per condition type, through the real operator core against the API server and the real
// asset catalog: the asset is not applied while its condition does not hold (and the operator says
// why), and is applied as soon as it does - with no restart. Each test activates only the asset
// under test (autopilot allowlist). Serial: hardware and topology come from Node objects, which
// are cluster-wide, and the assets are cluster-scoped or live in fixed namespaces.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../operator/vocabulary/annotations.js';
import type { KubeClient } from '../operator/kube/client.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { testCluster } from '../envtest/harness.js';
import { repoPath } from '../scripts/repo.js';
import { eventually, startOperator, type OperatorFixture } from './support/operator-fixture.js';
import { ensureNamespaces } from '../localcluster/namespaces.js';

const ASSETS = repoPath('assets');
const TEST_LABEL = 'virt-platform-operator.test/conditions';
const MC = (name: string): string => `/apis/machineconfiguration.openshift.io/v1/machineconfigs/${name}`;
const KC = (name: string): string => `/apis/machineconfiguration.openshift.io/v1/kubeletconfigs/${name}`;
const FORKLIFT = '/apis/forklift.konveyor.io/v1beta1/namespaces/openshift-mtv/forkliftcontrollers/forklift-controller';

describe('conditions: applied when the condition holds, not applied when it does not (real operator core)', () => {
  let client: KubeClient;
  let f: OperatorFixture | undefined;
  const cleanup: string[] = [];

  const start = async (asset: string, annotations: Record<string, string> = {}): Promise<OperatorFixture> => {
    f = await startOperator(ASSETS, { 'platform.kubevirt.io/autopilot': asset, ...annotations });
    return f;
  };
  const reportOf = (asset: string): string => f?.operator.reconciler.reports.get(asset)?.message ?? '';
  const absent = async (path: string): Promise<void> => {
    await f!.operator.settle();
    assert.equal(await client.getOrUndefined(path), undefined, `${path} must not exist`);
  };
  const appears = async (path: string): Promise<KubeObject> => {
    cleanup.push(path);
    const o = await eventually(`${path} created`, () => client.getOrUndefined(path), 20_000);
    assert.equal(o.metadata?.labels?.[MANAGED_BY_LABEL], MANAGED_BY_VALUE);
    return o;
  };
  const editHco = (patch: unknown): Promise<KubeObject> => client.mergePatch(f!.hcoPath, patch, 'kubectl-edit');
  const createNode = async (name: string, labels: Record<string, string>, taints: { key: string; effect: string }[] = []): Promise<void> => {
    await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { ...labels, [TEST_LABEL]: 'true' } }, spec: { taints } });
  };
  const deleteTestNodes = async (): Promise<void> => {
    const nodes = await client.listAll('/api/v1/nodes', { labelSelector: TEST_LABEL });
    for (const n of nodes.items) await client.delete(`/api/v1/nodes/${n.metadata!.name!}`).catch(() => undefined);
    await eventually('test nodes gone', async () => (await client.listAll('/api/v1/nodes', { labelSelector: TEST_LABEL })).items.length === 0);
  };

  before(async () => {
    client = (await testCluster()).admin;
    await ensureNamespaces(client, ['openshift-mtv']);
    await deleteTestNodes();
  });

  afterEach(async () => {
    await f?.stop();
    f = undefined;
    for (const p of cleanup.splice(0)) await client.delete(p).catch(() => undefined);
    await deleteTestNodes();
  });

  after(async () => {
    await f?.stop();
  });

  it('annotation: mtv-forklift-controller waits for platform.kubevirt.io/enable-mtv', async () => {
    await client.delete(FORKLIFT).catch(() => undefined);
    await start('mtv-forklift-controller');
    await absent(FORKLIFT);
    assert.match(reportOf('mtv-forklift-controller'), /platform\.kubevirt\.io\/enable-mtv is not "true"/);
    await editHco({ metadata: { annotations: { 'platform.kubevirt.io/enable-mtv': 'yes' } } });
    await absent(FORKLIFT);
    await editHco({ metadata: { annotations: { 'platform.kubevirt.io/enable-mtv': 'true' } } });
    const cr = await appears(FORKLIFT);
    assert.equal((cr.spec as { feature_ui_plugin?: string }).feature_ui_plugin, 'true');
  });

  it('feature-gate: kubelet-cpu-manager-worker waits for the CPUManager gate (Enabled, not Disabled)', async () => {
    const path = KC('virt-platform-worker-kubelet-cpu-manager');
    await start('kubelet-cpu-manager-worker');
    await absent(path);
    assert.match(reportOf('kubelet-cpu-manager-worker'), /feature gate CPUManager is not enabled/);
    await editHco({ spec: { featureGates: [{ name: 'CPUManager', state: 'Disabled' }] } });
    await absent(path);
    await editHco({ spec: { featureGates: [{ name: 'CPUManager', state: 'Enabled' }] } });
    const kc = await appears(path);
    assert.equal((kc.spec as { kubeletConfig: { cpuManagerPolicy: string } }).kubeletConfig.cpuManagerPolicy, 'static');
  });

  it('hco-field-unconfigured: vfio-assign-worker stays off while the HCO configures mediated devices', async () => {
    const path = MC('90-worker-virt-platform-vfio-pci');
    await createNode('vpo-cond-iommu-0', { 'node-role.kubernetes.io/worker': '', 'feature.node.kubernetes.io/iommu-enabled': 'true' });
    await start('vfio-assign-worker', { 'platform.kubevirt.io/enable-pci-passthrough': 'true' });
    await editHco({
      spec: {
        virtualization: {
          permittedHostDevices: { pciHostDevices: [{ pciDeviceSelector: '10DE:1EB8', resourceName: 'nvidia.com/TU104GL_Tesla_T4' }] },
          mediatedDevicesConfiguration: { mediatedDeviceTypes: ['nvidia-231'] },
        },
      },
    });
    await absent(path);
    assert.match(reportOf('vfio-assign-worker'), /already sets spec\.virtualization\.mediatedDevicesConfiguration/);
    await editHco({ spec: { virtualization: { mediatedDevicesConfiguration: null } } });
    const mc = await appears(path);
    assert.match(JSON.stringify(mc.spec), /ids%3D10DE:1EB8/);
  });

  it('hardware-detection: pci-passthrough-worker appears once a node shows PCI devices (NFD label)', async () => {
    const path = MC('90-worker-virt-platform-iommu');
    await createNode('vpo-cond-plain-0', { 'node-role.kubernetes.io/worker': '' });
    await start('pci-passthrough-worker', { 'platform.kubevirt.io/enable-pci-passthrough': 'true' });
    await absent(path);
    assert.match(reportOf('pci-passthrough-worker'), /no node shows pciDevicesPresent/);
    await createNode('vpo-cond-gpu-0', { 'node-role.kubernetes.io/worker': '', 'feature.node.kubernetes.io/pci-0302_10de.present': 'true' });
    const mc = await appears(path);
    assert.deepEqual((mc.spec as { kernelArguments: string[] }).kernelArguments, ['intel_iommu=on', 'iommu=pt']);
  });

  it('hardware-detection: ... or an extended resource in node capacity (status subresource)', async () => {
    const path = MC('90-worker-virt-platform-iommu');
    await createNode('vpo-cond-dp-0', { 'node-role.kubernetes.io/worker': '' });
    await start('pci-passthrough-worker', { 'platform.kubevirt.io/enable-pci-passthrough': 'true' });
    await absent(path);
    await client.request('PATCH', '/api/v1/nodes/vpo-cond-dp-0/status', {
      body: { status: { capacity: { cpu: '8', memory: '32Gi', pods: '110', 'nvidia.com/gpu': '1' } } },
      contentType: 'application/merge-patch+json',
    });
    await appears(path);
  });

  it('topology: psi-enable-master only while some master is schedulable (no NoSchedule taint)', async () => {
    const path = MC('90-master-virt-platform-psi');
    await createNode('vpo-cond-master-0', { 'node-role.kubernetes.io/master': '', 'node-role.kubernetes.io/control-plane': '' }, [
      { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' },
    ]);
    await createNode('vpo-cond-worker-0', { 'node-role.kubernetes.io/worker': '' });
    await start('psi-enable-master');
    await absent(path);
    assert.match(reportOf('psi-enable-master'), /hasSchedulableMasters is false/);
    await client.mergePatch('/api/v1/nodes/vpo-cond-master-0', { spec: { taints: null } }, 'kubectl-edit');
    const mc = await appears(path);
    assert.deepEqual((mc.spec as { kernelArguments: string[] }).kernelArguments, ['psi=1']);
  });
});
