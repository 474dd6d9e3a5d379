import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OperatorMetrics } from './metrics.js';

const series = async (m: OperatorMetrics, name: string): Promise<string[]> => (await m.text()).split('\n').filter((l) => l.startsWith(`${name}{`));

describe('operator metrics', () => {
  it('compliance: 1 in sync, 0 not applied, and no series at all once the object is unmanaged (never a false 0)', async () => {
    const m = new OperatorMetrics(false);
    m.outcome('settings', { status: 'in-sync', message: 'in sync' }, []);
    m.outcome('other', { status: 'refused', reason: 'InvalidPatch', message: 'bad patch' }, []);
    assert.deepEqual(await series(m, 'virt_platform_compliance_status'), [
      'virt_platform_compliance_status{asset="settings"} 1',
      'virt_platform_compliance_status{asset="other"} 0',
    ]);
    m.outcome('settings', { status: 'skipped', reason: 'UnmanagedMode', message: 'unmanaged' }, []);
    assert.deepEqual(await series(m, 'virt_platform_compliance_status'), ['virt_platform_compliance_status{asset="other"} 0']);
    assert.deepEqual(await series(m, 'virt_platform_customizations'), [
      'virt_platform_customizations{type="patch"} 0',
      'virt_platform_customizations{type="ignore-fields"} 0',
      'virt_platform_customizations{type="unmanaged"} 1',
    ]);
  });

  it('counts what the off-switch removed and released; an asset turned off (its removal waiting included) has no compliance series', async () => {
    const m = new OperatorMetrics(false);
    const off = { reason: 'opt-in removed', holdDown: false };
    m.outcome('made', { status: 'in-sync', message: 'in sync' }, []);
    m.outcome('made', { status: 'held', message: 'would remove ... once this has held for the hold-down', off }, []);
    assert.deepEqual(await series(m, 'virt_platform_compliance_status'), [], 'waiting to be pruned is not non-compliance');
    m.outcome('made', { status: 'removed', reason: 'AssetRemoved', message: 'deleted', off }, []);
    m.outcome('found', { status: 'released', reason: 'AssetReleased', message: 'released', off }, []);
    m.outcome('found2', { status: 'released', reason: 'AssetReleased', message: 'released', off }, []);
    assert.deepEqual(await series(m, 'virt_platform_pruned_objects_total'), [
      'virt_platform_pruned_objects_total{asset="made",action="removed"} 1',
      'virt_platform_pruned_objects_total{asset="found",action="released"} 1',
      'virt_platform_pruned_objects_total{asset="found2",action="released"} 1',
    ]);
    assert.deepEqual(await series(m, 'virt_platform_compliance_status'), []);
  });

  it('build info, work queue, and leader election with its renewals', async () => {
    const m = new OperatorMetrics(false);
    assert.match(await m.text(), /^virt_platform_build_info\{version="\d+\.\d+\.\d+[^"]*",nodejs_version="v\d+\.\d+\.\d+"\} 1$/m);
    m.queueDepth = () => 3;
    m.queued();
    m.queued();
    m.retried();
    m.waited(0.2);
    m.leading('ns/lease', true);
    m.renewed('ns/lease');
    m.renewed('ns/lease');
    const text = await m.text();
    assert.match(text, /^virt_platform_workqueue_depth 3$/m);
    assert.match(text, /^virt_platform_workqueue_adds_total 2$/m);
    assert.match(text, /^virt_platform_workqueue_retries_total 1$/m);
    assert.match(text, /^virt_platform_workqueue_queue_duration_seconds_count 1$/m);
    assert.match(text, /^virt_platform_leader_election_status\{lease="ns\/lease"\} 1$/m);
    assert.match(text, /^virt_platform_leader_election_renewals_total\{lease="ns\/lease"\} 2$/m);
    m.leading('ns/lease', false);
    assert.match(await m.text(), /^virt_platform_leader_election_status\{lease="ns\/lease"\} 0$/m);
  });
});
