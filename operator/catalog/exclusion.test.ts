import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { excludedBy, parseExclusions } from './exclusion.js';

describe('parseExclusions', () => {
  it('is empty for an absent or blank value', () => {
    assert.deepEqual(parseExclusions(undefined), { rules: [], invalid: [] });
    assert.deepEqual(parseExclusions(''), { rules: [], invalid: [] });
    assert.deepEqual(parseExclusions(' ,\n , '), { rules: [], invalid: [] });
  });

  it('splits on commas and newlines and trims each entry', () => {
    const p = parseExclusions(' MachineConfig/50-swap ,\nKubeletConfig/perf\n\n ForkliftController/openshift-mtv/forklift-controller,');
    assert.deepEqual(
      p.rules.map((r) => r.text),
      ['MachineConfig/50-swap', 'KubeletConfig/perf', 'ForkliftController/openshift-mtv/forklift-controller'],
    );
    assert.deepEqual(p.invalid, []);
  });

  it('collects invalid entries instead of throwing, and keeps the valid ones', () => {
    const p = parseExclusions('MachineConfig, a/b/c/d, /name, Kind/, Kind//, Kind/ns/na me, Kind/ns/$(x), Kind/ns/a+b, UIPlugin/monitoring');
    assert.deepEqual(p.invalid, ['MachineConfig', 'a/b/c/d', '/name', 'Kind/', 'Kind//', 'Kind/ns/na me', 'Kind/ns/$(x)', 'Kind/ns/a+b']);
    assert.deepEqual(
      p.rules.map((r) => r.text),
      ['UIPlugin/monitoring'],
    );
  });
});

describe('excludedBy', () => {
  const rules = (v: string) => parseExclusions(v).rules;

  it('a 2-part rule matches a cluster-scoped object by kind and name', () => {
    const r = rules('MachineConfig/50-swap');
    assert.equal(excludedBy(r, 'MachineConfig', undefined, '50-swap')?.text, 'MachineConfig/50-swap');
    assert.equal(excludedBy(r, 'MachineConfig', undefined, '50-swap-2'), undefined);
    assert.equal(excludedBy(r, 'KubeletConfig', undefined, '50-swap'), undefined);
  });

  it('a 3-part rule matches kind, namespace and name', () => {
    const r = rules('ForkliftController/openshift-mtv/forklift-controller');
    assert.ok(excludedBy(r, 'ForkliftController', 'openshift-mtv', 'forklift-controller'));
    assert.equal(excludedBy(r, 'ForkliftController', 'other', 'forklift-controller'), undefined);
    assert.equal(excludedBy(r, 'ForkliftController', undefined, 'forklift-controller'), undefined);
    assert.equal(excludedBy(r, 'ForkliftController', 'openshift-mtv', 'other'), undefined);
  });

  it('matches kinds and names case-insensitively', () => {
    const r = rules('machineconfig/50-SWAP');
    assert.ok(excludedBy(r, 'MachineConfig', undefined, '50-swap'));
  });

  it('supports * wildcards in any part', () => {
    assert.ok(excludedBy(rules('MachineConfig/*'), 'MachineConfig', undefined, '50-anything'));
    assert.ok(excludedBy(rules('*/openshift-mtv/*'), 'ForkliftController', 'openshift-mtv', 'x'));
    assert.equal(excludedBy(rules('*/openshift-mtv/*'), 'ForkliftController', 'openshift-cnv', 'x'), undefined);
    assert.ok(excludedBy(rules('MachineConfig/50-*'), 'MachineConfig', undefined, '50-swap'));
    assert.equal(excludedBy(rules('MachineConfig/50-*'), 'MachineConfig', undefined, '99-swap'), undefined);
    assert.ok(excludedBy(rules('*Config/*swap*'), 'KubeletConfig', undefined, '50-swap-workers'));
    assert.ok(excludedBy(rules('NodeHealthCheck/*/*'), 'NodeHealthCheck', 'ns', 'nhc'));
  });

  it('a wildcard must match the whole part (anchored)', () => {
    assert.equal(excludedBy(rules('MachineConfig/swap*'), 'MachineConfig', undefined, '50-swap'), undefined);
    assert.equal(excludedBy(rules('Config/*'), 'MachineConfig', undefined, 'x'), undefined);
  });

  it('treats "." literally, not as a regular-expression wildcard', () => {
    const r = rules('ConfigMap/ns/a.b');
    assert.ok(excludedBy(r, 'ConfigMap', 'ns', 'a.b'));
    assert.equal(excludedBy(r, 'ConfigMap', 'ns', 'axb'), undefined);
  });

  it('returns the first matching rule', () => {
    const r = rules('Other/x, MachineConfig/*, MachineConfig/50-swap');
    assert.equal(excludedBy(r, 'MachineConfig', undefined, '50-swap')?.text, 'MachineConfig/*');
  });

  it('excludes nothing without rules', () => {
    assert.equal(excludedBy([], 'MachineConfig', undefined, '50-swap'), undefined);
  });
});

describe('excludedBy: matching cost (issue 11, repro 4)', () => {
  it('a 46-byte rule of many stars answers at once (it froze the event loop as a RegExp)', async () => {
    const { bounded, MiB } = await import('../../e2e/support/bounds.js');
    const rule = 'HyperConverged/openshift-cnv/****************z';
    assert.equal(rule.length, 46);
    const r = parseExclusions(rule).rules;
    const miss = bounded('46-byte rule', { ms: 50, bytes: 8 * MiB }, () =>
      excludedBy(r, 'HyperConverged', 'openshift-cnv', 'kubevirt-hyperconverged-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
    );
    assert.equal(miss, undefined);
    assert.equal(excludedBy(r, 'HyperConverged', 'openshift-cnv', 'xyz')?.text, rule);
  });
});

describe('parseExclusions properties', () => {
  it('any text: rules and invalid entries, within bounds; matching any rule within bounds', async () => {
    const fc = (await import('fast-check')).default;
    const { bounded, MiB } = await import('../../e2e/support/bounds.js');
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(fc.constantFrom('*', '/', ',', '\n', 'a', 'Kind', 'ns', ' ', '$'), { maxLength: 3000 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const p = bounded('parse', { ms: 100, bytes: 16 * MiB }, () => parseExclusions(t));
        for (const r of p.rules) assert.ok(!r.text.includes(',') && r.text.includes('/'));
        bounded('match', { ms: 100, bytes: 16 * MiB }, () =>
          excludedBy(p.rules, 'HyperConverged', 'openshift-cnv', 'kubevirt-hyperconverged-' + 'a'.repeat(200)),
        );
      }),
      { numRuns: 300 },
    );
  });
});
