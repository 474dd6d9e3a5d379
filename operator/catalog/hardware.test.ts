import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nfdNode as node } from '../../e2e/support/nfd-node.js';
import type { NodeProjection } from '../vocabulary/node.js';
import { projectNode } from '../watch/node-projection.js';
import { DETECTORS, detectHardware, type Detector } from './hardware.js';

const detect = (labels: Record<string, string> = {}, capacity: Record<string, string> = {}) => detectHardware([projectNode(node(labels, capacity))]);
const only = (...ds: Detector[]) => Object.fromEntries(DETECTORS.map((d) => [d, ds.includes(d)]));

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
