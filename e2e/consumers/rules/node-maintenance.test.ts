import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { validateNodeMaintenance } from './node-maintenance.js';
import { ctx, rulesOf } from './fixtures.js';

const nm = (nodeName: string, name = 'virt-platform-maintenance'): KubeObject => ({
  apiVersion: 'nodemaintenance.medik8s.io/v1beta1',
  kind: 'NodeMaintenance',
  metadata: { name },
  spec: { nodeName },
});

describe('consumer rules: NodeMaintenance', () => {
  it('a Node name passes', () => assert.deepEqual(validateNodeMaintenance(nm('worker-1.example.com'), ctx('4.21')), []));
  it('each broken fixture is found', () => {
    for (const bad of ['worker..1', 'worker-.1', 'Worker-1', '', '-w'])
      assert.deepEqual(rulesOf(validateNodeMaintenance(nm(bad), ctx('4.21'))), ['node-name'], bad);
    const a = nm('worker-1');
    assert.deepEqual(rulesOf(validateNodeMaintenance(a, ctx('4.21', [a, nm('worker-1', 'other')]))), ['one-per-node']);
    assert.deepEqual(rulesOf(validateNodeMaintenance({ ...a, metadata: { ...a.metadata, namespace: 'x' } }, ctx('4.21'))), ['cluster-scoped']);
  });
});
