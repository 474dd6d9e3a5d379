// Helpers added for the asset library (see helpers.ts): exercised through a real template render.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Handlebars from 'handlebars';
import { clusterFacts, type ClusterFacts } from './context.js';
import { makeHelpers } from './helpers.js';

const facts: ClusterFacts = clusterFacts({
  hardware: { pciDevicesPresent: false, numaNodesPresent: false, vfioCapable: false, usbDevicesPresent: false, gpuPresent: false },
  topology: { hasSchedulableMasters: false, hasDedicatedWorkers: true, singleNode: false, nodes: 1, masters: 0, workers: 1 },
  crds: new Map(),
  objectExists: () => false,
});

const render = (source: string, ctx: unknown): string => Handlebars.create().compile(source, { noEscape: true })(ctx, { helpers: makeHelpers(facts) });

describe('matches helper', () => {
  const tpl = '{{#if (matches v "^[1-9][0-9]{1,3}$")}}ok{{else}}no{{/if}}';
  it('accepts a value in the expected shape (string or number)', () => {
    assert.equal(render(tpl, { v: '250' }), 'ok');
    assert.equal(render(tpl, { v: 500 }), 'ok');
  });
  it('refuses anything else: injection attempts, other types, missing values', () => {
    for (const v of ['250\nevil: true', ' 250', '0250', '1e3', '', 'abc', true, { a: 1 }, ['250'], null, undefined]) {
      assert.equal(render(tpl, { v }), 'no', `value ${JSON.stringify(v)}`);
    }
  });
  it('works on keys read with lookup (annotation keys contain dots and slashes)', () => {
    const t = '{{#if (matches (lookup a "platform.kubevirt.io/x") "^[a-z]+$")}}{{lookup a "platform.kubevirt.io/x"}}{{/if}}';
    assert.equal(render(t, { a: { 'platform.kubevirt.io/x': 'abc' } }), 'abc');
    assert.equal(render(t, { a: {} }), '');
  });
});
