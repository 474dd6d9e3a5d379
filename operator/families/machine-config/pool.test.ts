import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poolHold, projectPool } from './pool.js';

const cond = (type: string, status: string, message = ''): Record<string, string> => ({ type, status, message });

function pool(status: Record<string, unknown>, spec: Record<string, unknown> = {}) {
  return projectPool({
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfigPool',
    metadata: { name: 'worker', labels: { a: 'b' } },
    spec,
    status,
  });
}

describe('MachineConfigPool projection and state', () => {
  it('keeps only what the gate reads', () => {
    const p = pool(
      {
        configuration: { name: 'rendered-worker-1', source: [{ name: 'x' }] },
        machineCount: 10,
        updatedMachineCount: 3,
        readyMachineCount: 9,
        degradedMachineCount: 0,
        conditions: [cond('Updated', 'True'), cond('Other', 'True')],
      },
      { paused: true, machineConfigSelector: { matchLabels: { r: 'w' } }, nodeSelector: {} },
    );
    assert.deepEqual(p, {
      name: 'worker',
      labels: { a: 'b' },
      paused: true,
      machineConfigSelector: { matchLabels: { r: 'w' } },
      configuration: 'rendered-worker-1',
      conditions: { Updated: { status: 'True', message: '' } },
      machineCount: 10,
      updatedMachineCount: 3,
      readyMachineCount: 9,
      degradedMachineCount: 0,
    });
  });

  it('open only when Updated, not Updating, not Degraded and not paused', () => {
    assert.equal(poolHold(pool({ conditions: [cond('Updated', 'True'), cond('Updating', 'False'), cond('Degraded', 'False')] })), undefined);
    assert.deepEqual(poolHold(pool({ machineCount: 10, updatedMachineCount: 3, conditions: [cond('Updated', 'False'), cond('Updating', 'True')] })), {
      kind: 'updating',
      reason: 'pool worker is Updating, 3/10 nodes updated',
    });
    assert.deepEqual(poolHold(pool({ conditions: [cond('Updated', 'True')] }, { paused: true })), {
      kind: 'paused',
      reason: 'pool worker is paused (spec.paused)',
    });
    const degraded = poolHold(
      pool({ machineCount: 3, degradedMachineCount: 1, conditions: [cond('Updated', 'False'), cond('NodeDegraded', 'True', 'node w-1: disk full')] }),
    );
    assert.deepEqual(degraded, { kind: 'degraded', reason: 'pool worker is NodeDegraded: node w-1: disk full (1/3 nodes degraded)' });
    assert.equal(poolHold(pool({ conditions: [cond('Updated', 'True'), cond('RenderDegraded', 'True')] }))?.kind, 'degraded');
    assert.equal(poolHold(pool({}))?.kind, 'not-updated', 'no status yet: not known to be Updated');
  });

  it('survives a hostile status (wrong types, huge messages)', () => {
    const p = pool({ machineCount: 'ten', conditions: [null, 'x', { type: 'Degraded', status: 'True', message: 'm'.repeat(10_000) }], configuration: 'str' });
    assert.equal(p.machineCount, 0);
    assert.equal(p.configuration, undefined);
    assert.ok((poolHold(p)?.reason.length ?? 0) < 400);
  });
});
