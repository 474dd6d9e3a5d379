import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectorMatches } from './label-selector.js';

const ROLE = 'machineconfiguration.openshift.io/role';

describe('selectorMatches (LabelSelector semantics as the MCO uses them)', () => {
  it('matchLabels: every pair must be present with its value', () => {
    assert.equal(selectorMatches({ matchLabels: { [ROLE]: 'worker' } }, { [ROLE]: 'worker', other: 'x' }), true);
    assert.equal(selectorMatches({ matchLabels: { [ROLE]: 'worker' } }, { [ROLE]: 'master' }), false);
    assert.equal(selectorMatches({ matchLabels: { [ROLE]: 'worker', a: 'b' } }, { [ROLE]: 'worker' }), false);
  });

  it('In / NotIn / Exists / DoesNotExist (a custom pool selecting role In [worker, cnv])', () => {
    const cnv = { matchExpressions: [{ key: ROLE, operator: 'In', values: ['worker', 'cnv'] }] };
    assert.equal(selectorMatches(cnv, { [ROLE]: 'cnv' }), true);
    assert.equal(selectorMatches(cnv, { [ROLE]: 'worker' }), true);
    assert.equal(selectorMatches(cnv, { [ROLE]: 'master' }), false);
    assert.equal(selectorMatches(cnv, {}), false);
    const notMaster = { matchExpressions: [{ key: ROLE, operator: 'NotIn', values: ['master'] }] };
    assert.equal(selectorMatches(notMaster, { [ROLE]: 'worker' }), true);
    assert.equal(selectorMatches(notMaster, {}), true, 'NotIn holds when the key is absent');
    assert.equal(selectorMatches(notMaster, { [ROLE]: 'master' }), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, { gpu: '' }), true);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, {}), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, {}), true);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, { gpu: 'x' }), false);
  });

  it('matchLabels and matchExpressions must both hold', () => {
    const s = { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'In', values: ['2'] }] };
    assert.equal(selectorMatches(s, { a: '1', b: '2' }), true);
    assert.equal(selectorMatches(s, { a: '1', b: '3' }), false);
    assert.equal(selectorMatches(s, { a: '0', b: '2' }), false);
  });

  it('nil, empty and invalid selectors match nothing (the MCO: "should match nothing, not everything")', () => {
    assert.equal(selectorMatches(undefined, { a: '1' }), false);
    assert.equal(selectorMatches(null, { a: '1' }), false);
    assert.equal(selectorMatches({}, { a: '1' }), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, { a: '1' }), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['1'] }] }, { a: '1' }), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, { a: '2' }), false);
  });

  it('is not fooled by inherited properties', () => {
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, {}), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'toString', operator: 'DoesNotExist' }] }, {}), true);
  });
});
