import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { projectNode } from './hardware.js';
import { detectTopology } from './topology.js';

type Taint = { key: string; effect: string };

function node(name: string, roles: string[], opts: { taints?: Taint[]; unschedulable?: boolean } = {}) {
  return projectNode({
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...Object.fromEntries(roles.map((r) => [`node-role.kubernetes.io/${r}`, ''])) },
    },
    spec: { unschedulable: opts.unschedulable, taints: opts.taints },
    status: { capacity: { cpu: '16' } },
  });
}

const MASTER_TAINT: Taint = { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' };
const CP_TAINT: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

describe('detectTopology', () => {
  it('compact 3-node cluster, schedulable masters that are also workers', () => {
    const nodes = ['m0', 'm1', 'm2'].map((n) => node(n, ['master', 'control-plane', 'worker']));
    assert.deepEqual(detectTopology(nodes), {
      nodes: 3,
      masters: 3,
      workers: 0,
      hasSchedulableMasters: true,
      hasDedicatedWorkers: false,
      singleNode: false,
    });
  });

  it('3 tainted masters and 3 workers', () => {
    const nodes = [
      node('m0', ['master'], { taints: [MASTER_TAINT] }),
      node('m1', ['master', 'control-plane'], { taints: [MASTER_TAINT, CP_TAINT] }),
      node('m2', ['control-plane'], { taints: [CP_TAINT] }),
      node('w0', ['worker']),
      node('w1', ['worker']),
      node('w2', ['worker']),
    ];
    assert.deepEqual(detectTopology(nodes), {
      nodes: 6,
      masters: 3,
      workers: 3,
      hasSchedulableMasters: false,
      hasDedicatedWorkers: true,
      singleNode: false,
    });
  });

  it('single node (SNO)', () => {
    assert.deepEqual(detectTopology([node('sno', ['master', 'control-plane', 'worker'])]), {
      nodes: 1,
      masters: 1,
      workers: 0,
      hasSchedulableMasters: true,
      hasDedicatedWorkers: false,
      singleNode: true,
    });
  });

  it('a cordoned master is not schedulable', () => {
    const t = detectTopology([node('m0', ['master'], { unschedulable: true }), node('w0', ['worker'])]);
    assert.equal(t.hasSchedulableMasters, false);
    assert.equal(t.masters, 1);
  });

  it('one schedulable master among tainted ones is enough', () => {
    const t = detectTopology([node('m0', ['master'], { taints: [MASTER_TAINT] }), node('m1', ['master'])]);
    assert.equal(t.hasSchedulableMasters, true);
  });

  it('a PreferNoSchedule role taint or an unrelated taint does not make a master unschedulable', () => {
    assert.equal(
      detectTopology([node('m0', ['master'], { taints: [{ key: 'node-role.kubernetes.io/master', effect: 'PreferNoSchedule' }] })]).hasSchedulableMasters,
      true,
    );
    assert.equal(detectTopology([node('m0', ['master'], { taints: [{ key: 'example.com/dedicated', effect: 'NoSchedule' }] })]).hasSchedulableMasters, true);
  });

  it('a node without role labels counts as a worker', () => {
    const t = detectTopology([node('m0', ['master'], { taints: [MASTER_TAINT] }), node('plain', [])]);
    assert.equal(t.workers, 1);
    assert.equal(t.hasDedicatedWorkers, true);
  });

  it('no nodes: all facts false', () => {
    assert.deepEqual(detectTopology([]), { nodes: 0, masters: 0, workers: 0, hasSchedulableMasters: false, hasDedicatedWorkers: false, singleNode: false });
  });
});
