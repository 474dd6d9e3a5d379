import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cannotRemediate, minHealthyCount, type LabelledNode } from './min-healthy.js';

const worker = (name: string): LabelledNode & { name: string } => ({
  name,
  labels: { 'node-role.kubernetes.io/worker': '' },
});
const master = (name: string): LabelledNode & { name: string } => ({
  name,
  labels: { 'node-role.kubernetes.io/master': '' },
});
const SPEC = { selector: { matchExpressions: [{ key: 'node-role.kubernetes.io/worker', operator: 'Exists' }] }, minHealthy: '51%' };

describe('NodeHealthCheck minHealthy (medik8s getMinHealthy: percentages round up)', () => {
  it('converts minHealthy as the NHC operator does', () => {
    assert.equal(minHealthyCount('51%', 2), 2);
    assert.equal(minHealthyCount('51%', 3), 2);
    assert.equal(minHealthyCount('51%', 10), 6);
    assert.equal(minHealthyCount(2, 10), 2);
    assert.equal(minHealthyCount('lots', 10), undefined);
  });

  it('a pool too small for minHealthy to allow one remediation is refused with the numbers', () => {
    assert.equal(
      cannotRemediate(SPEC, [worker('w-0'), worker('w-1'), master('m-0')]),
      'not applicable: the NodeHealthCheck selects 2 nodes and needs 2 healthy (minHealthy 51%): with one node unhealthy it could never remediate',
    );
    assert.match(cannotRemediate(SPEC, [master('m-0')]) ?? '', /selects 0 nodes/);
    assert.equal(cannotRemediate(SPEC, [worker('w-0'), worker('w-1'), worker('w-2')]), undefined, '3 workers: one may be remediated');
    assert.equal(cannotRemediate({ ...SPEC, minHealthy: 'x' }, []), undefined, "a minHealthy it does not understand is the consumer's to refuse");
  });
});
