import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectHardware, type NodeProjection } from './hardware.js';
import { NodeFacts } from './node-facts.js';
import { detectTopology } from './topology.js';

const LABELS: Record<string, string>[] = [
  {},
  { 'node-role.kubernetes.io/worker': '' },
  { 'node-role.kubernetes.io/master': '' },
  { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/worker': '' },
  { 'feature.node.kubernetes.io/pci-0302_10de.present': 'true' },
  { 'feature.node.kubernetes.io/pci-0300_1a03.present': 'true' },
  { 'feature.node.kubernetes.io/memory-numa': 'true' },
  { 'feature.node.kubernetes.io/iommu-enabled': 'true' },
  { 'feature.node.kubernetes.io/usb-ef_1d6b_0002.present': 'true' },
  { 'nvidia.com/gpu.present': 'true' },
];
const CAPACITY = [[], [], ['nvidia.com/gpu'], ['intel.com/sriov_netdevice']];
const TAINTS = [[], [], ['node-role.kubernetes.io/master'], ['node-role.kubernetes.io/control-plane'], ['example.com/other']];

/** A small deterministic generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function randomNode(name: string, r: () => number): NodeProjection {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  return {
    name,
    labels: { ...pick(LABELS), ...pick(LABELS) },
    capacityKeys: pick(CAPACITY),
    unschedulable: r() < 0.2,
    taints: pick(TAINTS),
  };
}

describe('NodeFacts', () => {
  it('answers like detectHardware and detectTopology through adds, updates and removals', () => {
    const r = rng(17);
    const facts = new NodeFacts();
    const nodes = new Map<string, NodeProjection>();
    for (let step = 0; step < 3000; step++) {
      const name = `n${Math.floor(r() * 40)}`;
      if (r() < 0.25) {
        nodes.delete(name);
        facts.set(name, undefined);
      } else {
        const n = randomNode(name, r);
        nodes.set(name, n);
        facts.set(name, n);
      }
      assert.deepEqual(facts.hardware(), detectHardware(nodes.values()), `hardware after step ${step}`);
      assert.deepEqual(facts.topology(), detectTopology(nodes.values()), `topology after step ${step}`);
    }
    assert.equal(facts.size, nodes.size);
  });

  it('no nodes: every fact false', () => {
    const facts = new NodeFacts();
    facts.set('gone', undefined);
    assert.deepEqual(facts.hardware(), detectHardware([]));
    assert.deepEqual(facts.topology(), detectTopology([]));
  });
});

describe('NodeFacts.signature', () => {
  it('changes exactly when a boolean fact changes', () => {
    const r = rng(5);
    const facts = new NodeFacts();
    const flags = (): string => JSON.stringify({ ...facts.hardware(), ...facts.topology(), nodes: 0, masters: 0, workers: 0 });
    for (let step = 0; step < 2000; step++) {
      const [sig, before] = [facts.signature(), flags()];
      const name = `n${Math.floor(r() * 8)}`;
      facts.set(name, r() < 0.3 ? undefined : randomNode(name, r));
      assert.equal(facts.signature() !== sig, flags() !== before, `step ${step}`);
    }
  });
});
