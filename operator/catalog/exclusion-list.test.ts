import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { excludedBy, parseExclusions } from './exclusion.js';
import { MAX_LIST_ENTRIES, parseExclusionList } from './exclusion-list.js';

describe('disabled-resources in the Go autopilot YAML-list dialect', () => {
  it('becomes Kind/namespace/name rules judged by the same matcher', () => {
    const value =
      '- kind: MachineConfig\n  name: 90-worker-virt-platform-*\n- kind: UIPlugin\n  name: monitoring\n- kind: ClusterLogForwarder\n  namespace: openshift-*\n  name: instance\n';
    assert.deepEqual(parseExclusionList(value), {
      rules: ['MachineConfig/90-worker-virt-platform-*', 'UIPlugin/monitoring', 'ClusterLogForwarder/openshift-*/instance'],
      invalid: [],
    });
    const { rules, invalid } = parseExclusions(value);
    assert.deepEqual(invalid, []);
    assert.ok(excludedBy(rules, 'MachineConfig', undefined, '90-worker-virt-platform-swap'));
    assert.ok(!excludedBy(rules, 'MachineConfig', undefined, '90-master-virt-platform-swap'));
    assert.ok(excludedBy(rules, 'ClusterLogForwarder', 'openshift-logging', 'instance'));
    assert.ok(!excludedBy(rules, 'ClusterLogForwarder', 'logging', 'instance'));
    // No namespace: any namespace, as in the Go implementation.
    assert.ok(excludedBy(rules, 'UIPlugin', undefined, 'monitoring'));
  });

  it('accepts the flow form and leaves the comma dialect alone', () => {
    assert.deepEqual(parseExclusionList('[{kind: LokiStack, name: logging-loki, namespace: openshift-logging}]')?.rules, [
      'LokiStack/openshift-logging/logging-loki',
    ]);
    assert.equal(parseExclusionList('MachineConfig/90-worker-virt-platform-swap'), undefined);
    assert.equal(parseExclusions('MachineConfig/x, KubeletConfig/y').rules.length, 2);
  });

  it('reports what it cannot honour, keeps the rest', () => {
    const r = parseExclusions(
      '- kind: MachineConfig\n  name: "50-?-x"\n- name: no-kind\n- kind: A\n  name: b\n  labels: {}\n- just text\n- kind: ConfigMap\n  name: ok\n',
    );
    assert.equal(r.rules.length, 1);
    assert.equal(r.rules[0]!.text, 'ConfigMap/ok');
    assert.equal(r.invalid.length, 4);
    assert.match(r.invalid.join('\n'), /only letters, digits/);
    assert.match(r.invalid.join('\n'), /kind and name are required/);
    assert.match(r.invalid.join('\n'), /unknown field\(s\) labels/);
    assert.match(r.invalid.join('\n'), /not a mapping/);
  });

  it('bad YAML, a non-list and hostile sizes are clear errors, never exceptions', () => {
    assert.match(parseExclusions('- kind: [unclosed').invalid[0]!, /not a valid YAML list/);
    assert.match(parseExclusions('[1, 2').invalid[0]!, /not a valid YAML list/);
    assert.match(parseExclusions('- ' + 'x'.repeat(70_000)).invalid[0]!, /larger than/);
    const many = Array.from({ length: MAX_LIST_ENTRIES + 5 }, (_, i) => `- {kind: A, name: n${i}}`).join('\n');
    const r = parseExclusions(many);
    assert.equal(r.rules.length, MAX_LIST_ENTRIES);
    assert.match(r.invalid[0]!, /only the first 500/);
    const proto = parseExclusions('- __proto__: {kind: A}\n  kind: B\n  name: c');
    assert.deepEqual(proto.rules, []);
    assert.match(proto.invalid[0]!, /unknown field\(s\) __proto__/);
    assert.equal(({} as Record<string, unknown>).kind, undefined);
  });
});
