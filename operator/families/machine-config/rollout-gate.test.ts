import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Asset } from '../../catalog/catalog.js';
import type { Outcome } from '../../chain/outcome.js';
import type { Drifting } from '../../chain/run.js';
import type { KubeObject } from '../../vocabulary/object.js';
import { projectPool, type PoolProjection } from './pool.js';
import { RolloutGate } from './rollout-gate.js';

const ROLE = 'machineconfiguration.openshift.io/role';

function pool(name: string, roles: string[], s: { updated?: boolean; updating?: boolean; config?: string } = { updated: true }): PoolProjection {
  return projectPool({
    metadata: { name, labels: {} },
    spec: { machineConfigSelector: { matchExpressions: [{ key: ROLE, operator: 'In', values: roles }] } },
    status: {
      configuration: { name: s.config ?? 'rendered-1' },
      machineCount: 4,
      updatedMachineCount: 4,
      conditions: [
        { type: 'Updated', status: s.updated ? 'True' : 'False' },
        { type: 'Updating', status: s.updating ? 'True' : 'False' },
      ],
    },
  });
}

const mc = (name: string, role: string, karg = 'a=1'): KubeObject => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfig',
  metadata: { name, labels: { [ROLE]: role } },
  spec: { kernelArguments: [karg] },
});

const hco: KubeObject = { apiVersion: 'hco.kubevirt.io/v1', kind: 'HyperConverged', metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv' } };

/** A run at the gate: a create (no live), or a change of the given paths. */
function run(desired: KubeObject, drift?: string[]): Drifting {
  return { asset: { name: desired.metadata?.name } as Asset, hco, desired, live: drift ? desired : undefined, drift: drift ?? [] } as unknown as Drifting;
}

const CREATED: Outcome = { status: 'created', message: '' };

function setup(pools: PoolProjection[], settleTimeoutMs = 60_000) {
  const state = { pools, now: 0 };
  const gate = new RolloutGate({ pools: { synced: () => true, list: () => state.pools }, now: () => state.now, settleTimeoutMs });
  return { state, gate };
}

describe('RolloutGate', () => {
  it('an object landing on several pools needs every one open', () => {
    const { gate } = setup([pool('worker', ['worker']), pool('worker-cnv', ['worker', 'cnv'], { updating: true })]);
    const o = gate.check(run(mc('90-w', 'worker')));
    assert.equal(o?.status, 'held');
    assert.deepEqual(o?.holders, ['worker', 'worker-cnv']);
    assert.match(o?.message ?? '', /pool worker-cnv is Updating/);
    assert.equal(gate.check(run(mc('90-c', 'cnv')))?.status, 'held');
  });

  it('batches a pool in one pass, then holds it until a new rendered config is Updated', () => {
    const { state, gate } = setup([pool('worker', ['worker'])]);
    gate.beginPass();
    const a = run(mc('90-a', 'worker'));
    assert.equal(gate.check(a), undefined);
    gate.wrote(a, CREATED);
    assert.deepEqual(gate.batched(), ['worker']);
    assert.equal(gate.check(run(mc('90-b', 'worker'))), undefined, 'same pass: joins the batch');
    gate.endPass();
    gate.beginPass();
    const next = gate.check(run(mc('90-a', 'worker', 'a=2'), ['/spec/kernelArguments/0']));
    assert.equal(next?.status, 'held');
    assert.match(next?.message ?? '', /settling after the previous batch \(rendered config rendered-1/);
    assert.equal(next?.episode, 'held|worker|settling');
    state.pools = [pool('worker', ['worker'], { updating: true, config: 'rendered-2' })];
    assert.equal(gate.check(run(mc('90-a', 'worker', 'a=2'), ['/spec']))?.episode, 'held|worker|updating');
    state.pools = [pool('worker', ['worker'], { updated: true, config: 'rendered-2' })];
    assert.equal(gate.check(run(mc('90-a', 'worker', 'a=2'), ['/spec'])), undefined, 'rolled out: open');
    gate.endPass();
  });

  it('a write that did not go out (throttled, failed) starts no batch', () => {
    const { gate } = setup([pool('worker', ['worker'])]);
    gate.beginPass();
    const a = run(mc('90-a', 'worker'));
    gate.wrote(a, { status: 'throttled', message: '' });
    gate.wrote(a, { status: 'failed', message: '' });
    gate.endPass();
    assert.equal(gate.check(a), undefined);
  });

  it('settling ends after the timeout, and the hold asks to be woken by then', () => {
    const { state, gate } = setup([pool('worker', ['worker'])], 60_000);
    gate.beginPass();
    gate.wrote(run(mc('90-a', 'worker')), CREATED);
    gate.endPass();
    state.now = 20_000;
    const held = gate.check(run(mc('90-b', 'worker')));
    assert.equal(held?.requeueAfterMs, 41_000);
    state.now = 60_000;
    assert.equal(gate.check(run(mc('90-b', 'worker'))), undefined);
  });

  it('reads the clock once per pass: a timeout that ends mid-pass does not split the batch', () => {
    const { state, gate } = setup([pool('worker', ['worker'])], 60_000);
    gate.beginPass();
    gate.wrote(run(mc('90-a', 'worker')), CREATED);
    gate.endPass();
    state.now = 59_000;
    gate.beginPass();
    assert.equal(gate.check(run(mc('90-a', 'worker', 'a=2')))?.status, 'held');
    state.now = 61_000; // the timeout passes while this pass runs
    assert.equal(gate.check(run(mc('90-b', 'worker')))?.status, 'held', 'the same pass decides the same way');
    gate.endPass();
    gate.beginPass();
    assert.equal(gate.check(run(mc('90-a', 'worker', 'a=2'))), undefined);
    assert.equal(gate.check(run(mc('90-b', 'worker'))), undefined);
    gate.endPass();
  });

  it('lets through what reboots nothing: label-only repairs, objects no pool selects', () => {
    const { gate } = setup([pool('worker', ['worker'], { updating: true })]);
    assert.equal(gate.check(run(mc('90-a', 'worker'), ['/metadata/labels/platform.kubevirt.io~1managed-by'])), undefined);
    assert.equal(gate.check(run(mc('90-i', 'infra'))), undefined);
  });

  it('is pending, not open, while the pool cache has not filled', () => {
    const gate = new RolloutGate({ pools: { synced: () => false, list: () => [] }, now: () => 0, settleTimeoutMs: 1 });
    assert.equal(gate.check(run(mc('90-a', 'worker')))?.status, 'pending');
  });
});
