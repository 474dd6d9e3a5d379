import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DETECTORS, detectHardware, projectNode, sameProjection, type Detector, type NodeProjection } from './hardware.js';

// Labels every NFD-managed node carries whatever its hardware: none of them indicates a device.
const BASE_LABELS = {
  'beta.kubernetes.io/arch': 'amd64',
  'kubernetes.io/arch': 'amd64',
  'kubernetes.io/hostname': 'worker-0',
  'kubernetes.io/os': 'linux',
  'node-role.kubernetes.io/worker': '',
  'node.openshift.io/os_id': 'rhcos',
  'topology.kubernetes.io/zone': 'zone-a',
  'feature.node.kubernetes.io/cpu-cpuid.AVX2': 'true',
  'feature.node.kubernetes.io/cpu-model.vendor_id': 'Intel',
  'feature.node.kubernetes.io/kernel-version.major': '5',
  'feature.node.kubernetes.io/system-os_release.ID': 'rhcos',
  cpumanager: 'false',
  'kubevirt.io/schedulable': 'true',
};

const BASE_CAPACITY = {
  cpu: '64',
  memory: '263662708Ki',
  pods: '250',
  'ephemeral-storage': '1000Gi',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
  'devices.kubevirt.io/kvm': '1k',
  'devices.kubevirt.io/tun': '1k',
  'devices.kubevirt.io/vhost-net': '1k',
  'devices.kubevirt.io/vhost-vsock': '1k',
};

function node(
  labels: Record<string, string> = {},
  capacity: Record<string, string> = {},
  spec: { unschedulable?: boolean; taints?: { key?: string; effect?: string }[] } = {},
) {
  return {
    metadata: { name: 'worker-0', labels: { ...BASE_LABELS, ...labels }, annotations: { 'big.annotation': 'x'.repeat(1000) } },
    spec,
    status: { capacity: { ...BASE_CAPACITY, ...capacity }, allocatable: { ...BASE_CAPACITY, ...capacity }, images: [{ names: ['quay.io/x'] }] },
  };
}

const detect = (labels: Record<string, string> = {}, capacity: Record<string, string> = {}) => detectHardware([projectNode(node(labels, capacity))]);
const only = (...ds: Detector[]) => Object.fromEntries(DETECTORS.map((d) => [d, ds.includes(d)]));

describe('projectNode', () => {
  it('keeps only the labels detection and topology read', () => {
    const p = projectNode(
      node({
        'node-role.kubernetes.io/master': '',
        'feature.node.kubernetes.io/pci-0300_10de.present': 'true',
        'feature.node.kubernetes.io/usb-ef_1d6b_0002.present': 'true',
        'feature.node.kubernetes.io/memory-numa': 'true',
        'feature.node.kubernetes.io/iommu-enabled': 'true',
        'nvidia.com/gpu.present': 'true',
        'nvidia.com/gpu.product': 'Tesla-T4',
      }),
    );
    assert.deepEqual(p.labels, {
      'kubernetes.io/hostname': 'worker-0',
      'node-role.kubernetes.io/worker': '',
      'node-role.kubernetes.io/master': '',
      'feature.node.kubernetes.io/cpu-model.vendor_id': 'Intel',
      'feature.node.kubernetes.io/pci-0300_10de.present': 'true',
      'feature.node.kubernetes.io/usb-ef_1d6b_0002.present': 'true',
      'feature.node.kubernetes.io/memory-numa': 'true',
      'feature.node.kubernetes.io/iommu-enabled': 'true',
      'nvidia.com/gpu.present': 'true',
    });
  });

  it('keeps only extended-resource capacity keys, without the KubeVirt built-in devices', () => {
    const p = projectNode(node({}, { 'nvidia.com/gpu': '2', 'intel.com/sriov_netdevice': '8' }));
    assert.deepEqual(p.capacityKeys.sort(), ['intel.com/sriov_netdevice', 'nvidia.com/gpu']);
    assert.deepEqual(projectNode(node()).capacityKeys, []);
  });

  it('keeps the name, the cordon flag and only NoSchedule/NoExecute taint keys', () => {
    const p = projectNode(
      node(
        {},
        {},
        {
          unschedulable: true,
          taints: [
            { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' },
            { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
            { key: 'soft', effect: 'PreferNoSchedule' },
          ],
        },
      ),
    );
    assert.equal(p.name, 'worker-0');
    assert.equal(p.unschedulable, true);
    assert.deepEqual(p.taints, ['node-role.kubernetes.io/master', 'node.kubernetes.io/unreachable']);
  });

  it('keeps nothing else (no annotations, allocatable, images)', () => {
    assert.deepEqual(Object.keys(projectNode(node())).sort(), ['capacityKeys', 'labels', 'name', 'taints', 'unschedulable']);
  });

  it('tolerates an empty node', () => {
    assert.deepEqual(projectNode({}), { name: '', labels: {}, capacityKeys: [], unschedulable: false, taints: [] });
  });
});

describe('sameProjection', () => {
  it('is true for projections of nodes that differ only in irrelevant fields', () => {
    const a = projectNode(node({ 'feature.node.kubernetes.io/memory-numa': 'true' }));
    const b = projectNode(node({ 'feature.node.kubernetes.io/memory-numa': 'true', 'topology.kubernetes.io/zone': 'zone-b' }, { cpu: '128' }));
    assert.ok(sameProjection(a, b));
  });

  it('is false when a relevant label, capacity key or the cordon flag changes', () => {
    const a = projectNode(node());
    assert.ok(!sameProjection(a, projectNode(node({ 'feature.node.kubernetes.io/memory-numa': 'true' }))));
    assert.ok(!sameProjection(a, projectNode(node({}, { 'nvidia.com/gpu': '1' }))));
    assert.ok(!sameProjection(a, projectNode(node({}, {}, { unschedulable: true }))));
    assert.ok(!sameProjection(a, undefined));
    assert.ok(sameProjection(undefined, undefined));
  });
});

describe('detectHardware', () => {
  it('finds nothing on a plain node (KubeVirt device plugins and ordinary NFD labels do not count)', () => {
    assert.deepEqual(detect(), only());
    assert.deepEqual(detectHardware([]), only());
  });

  it('NVIDIA display controller label: PCI devices and a GPU', () => {
    assert.deepEqual(detect({ 'feature.node.kubernetes.io/pci-0300_10de.present': 'true' }), only('pciDevicesPresent', 'gpuPresent'));
  });

  it('3D controller (class 0302) counts as a GPU', () => {
    assert.deepEqual(detect({ 'feature.node.kubernetes.io/pci-0302_10de.present': 'true' }), only('pciDevicesPresent', 'gpuPresent'));
  });

  it('a processing accelerator (class 12) is a PCI device but not a GPU', () => {
    assert.deepEqual(detect({ 'feature.node.kubernetes.io/pci-1200_8086.present': 'true' }), only('pciDevicesPresent'));
    assert.deepEqual(detect({ 'feature.node.kubernetes.io/pci-0b40_8086.present': 'true' }), only('pciDevicesPresent'));
  });

  it('a PCI label that is not "true" does not count', () => {
    assert.deepEqual(detect({ 'feature.node.kubernetes.io/pci-0300_10de.present': 'false' }), only());
  });

  it('the SR-IOV capability label is not a device presence label', () => {
    assert.equal(detect({ 'feature.node.kubernetes.io/pci-0200_8086.sriov.capable': 'true' }).pciDevicesPresent, false);
  });

  it('memory-numa=true: NUMA nodes', () => {
    assert.deepEqual(detect({ 'feature.node.kubernetes.io/memory-numa': 'true' }), only('numaNodesPresent'));
    assert.deepEqual(detect({ 'feature.node.kubernetes.io/memory-numa': 'false' }), only());
  });

  it('iommu-enabled=true: VFIO capable', () => {
    assert.deepEqual(detect({ 'feature.node.kubernetes.io/iommu-enabled': 'true' }), only('vfioCapable'));
    assert.deepEqual(detect({ 'feature.node.kubernetes.io/iommu-enabled': 'false' }), only());
  });

  it('usb-<class>_<vendor>_<device>.present: USB devices', () => {
    assert.deepEqual(detect({ 'feature.node.kubernetes.io/usb-ef_1d6b_0002.present': 'true' }), only('usbDevicesPresent'));
    assert.deepEqual(detect({ 'feature.node.kubernetes.io/usb-ef_1d6b_0002.present': 'false' }), only());
  });

  it('nvidia.com/gpu capacity: a GPU (and, as an extended resource, a PCI device)', () => {
    assert.deepEqual(detect({}, { 'nvidia.com/gpu': '4' }), only('pciDevicesPresent', 'gpuPresent'));
  });

  it('GPU resources of the other vendors, MIG slices and KubeVirt-permitted NVIDIA devices count as GPUs', () => {
    for (const k of ['amd.com/gpu', 'gpu.intel.com/i915', 'nvidia.com/mig-1g.5gb', 'nvidia.com/TU104GL_Tesla_T4', 'nvidia.com/GRID_T4-1Q']) {
      assert.equal(detect({}, { [k]: '1' }).gpuPresent, true, k);
    }
  });

  it('a non-GPU extended resource is a PCI device but not a GPU', () => {
    assert.deepEqual(detect({}, { 'intel.com/sriov_netdevice': '8' }), only('pciDevicesPresent'));
    assert.equal(detect({}, { 'nvidia.com/gpu.shared': '1' }).gpuPresent, false);
  });

  it('the GPU operator label nvidia.com/gpu.present=true: a GPU', () => {
    assert.deepEqual(detect({ 'nvidia.com/gpu.present': 'true' }), only('gpuPresent'));
    assert.deepEqual(detect({ 'nvidia.com/gpu.present': 'false' }), only());
  });

  it('a detector holds when any node shows it', () => {
    const nodes: NodeProjection[] = [
      projectNode(node()),
      projectNode(node({ 'feature.node.kubernetes.io/memory-numa': 'true' })),
      projectNode(node({ 'feature.node.kubernetes.io/iommu-enabled': 'true' })),
    ];
    assert.deepEqual(detectHardware(nodes), only('numaNodesPresent', 'vfioCapable'));
  });

  it('accepts any iterable (e.g. a Map of projections)', () => {
    const m = new Map([['n', projectNode(node({ 'feature.node.kubernetes.io/memory-numa': 'true' }))]]);
    assert.equal(detectHardware(m.values()).numaNodesPresent, true);
  });
});

describe('detectHardware: BMC display controllers', () => {
  const node = (labels: Record<string, string>): NodeProjection => ({ name: 'n', labels, capacityKeys: [], unschedulable: false, taints: [] });
  it('does not count the ASPEED or Matrox display of a server BMC as a GPU or a PCI device to pass through', () => {
    for (const bmc of ['feature.node.kubernetes.io/pci-0300_1a03.present', 'feature.node.kubernetes.io/pci-0300_102b.present']) {
      const hw = detectHardware([node({ [bmc]: 'true' })]);
      assert.equal(hw.gpuPresent, false, bmc);
      assert.equal(hw.pciDevicesPresent, false, bmc);
    }
    assert.equal(detectHardware([node({ 'feature.node.kubernetes.io/pci-0300_10de.present': 'true' })]).gpuPresent, true);
  });
});
