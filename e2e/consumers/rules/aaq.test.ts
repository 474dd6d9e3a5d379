import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateAaq } from './aaq.js';
import { ctx, rulesOf } from './fixtures.js';

describe('consumer rules: AAQ', () => {
  it('any standalone AAQ bypasses the HyperConverged (its AAQ is enabled in the golden config instead)', () => {
    const aaq = { apiVersion: 'aaq.kubevirt.io/v1alpha1', kind: 'AAQ', metadata: { name: 'aaq' }, spec: {} };
    for (const v of ['4.17', '4.21']) assert.deepEqual(rulesOf(validateAaq(aaq, ctx(v))), ['aaq-through-hco']);
  });
});
