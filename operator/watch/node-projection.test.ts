import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nfdNode as node } from '../../e2e/support/nfd-node.js';
import { projectNode, sameProjection } from './node-projection.js';

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
      node({}, {}, {
        unschedulable: true,
        taints: [
          { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' },
          { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
          { key: 'soft', effect: 'PreferNoSchedule' },
        ],
      }),
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
