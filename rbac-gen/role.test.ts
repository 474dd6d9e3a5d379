import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { fixtureCrdDir } from '../localcluster/crds.js';
import type { KindUse } from './collect.js';
import { readCrdInfos } from './generate.js';
import { MappingError } from './kinds.js';
import { buildRules, FIXED_NEEDS, HEADER, MANAGED_VERBS, roleYaml, type Rule } from './role.js';

const crds = readCrdInfos(fixtureCrdDir);
const asset = (name: string, apiVersion: string, kind: string): KindUse => ({ apiVersion, kind, by: { asset: name } });
const tomb = (file: string, apiVersion: string, kind: string, name = 'old'): KindUse => ({ apiVersion, kind, by: { tombstone: file }, name });
const find = (rules: Rule[], group: string, resource: string): Rule | undefined =>
  rules.find((r) => r.group === group && r.resource === resource && !r.resourceNames);
const deleteRule = (rules: Rule[], group: string, resource: string): Rule | undefined =>
  rules.find((r) => r.group === group && r.resource === resource && r.resourceNames);

const MANAGED = [
  asset('hco-golden', 'hco.kubevirt.io/v1', 'HyperConverged'),
  asset('settings', 'v1', 'ConfigMap'),
  asset('swap', 'machineconfiguration.openshift.io/v1', 'MachineConfig'),
  asset('psi', 'machineconfiguration.openshift.io/v1', 'MachineConfig'),
  asset('mtv', 'forklift.konveyor.io/v1beta1', 'ForkliftController'),
];
const TOMBS = [
  tomb('tombstones/old.yaml', 'remediation.medik8s.io/v1alpha1', 'NodeHealthCheck', 'old-nhc'),
  tomb('tombstones/old.yaml', 'v1', 'ConfigMap', 'old-settings'),
  tomb('tombstones/older.yaml', 'v1', 'ConfigMap', 'older-settings'),
];

describe('rbac-gen rules', () => {
  it('always grants the fixed needs', () => {
    const rules = buildRules([], [], crds);
    for (const f of FIXED_NEEDS) assert.deepEqual(find(rules, f.group, f.resource)?.verbs, f.verbs, f.resource);
    assert.equal(rules.length, FIXED_NEEDS.length);
  });

  it('grants managed kinds get/list/watch/create/patch/delete (delete: the off-switch prunes what it created) — no update', () => {
    const rules = buildRules(MANAGED, [], crds);
    const mc = find(rules, 'machineconfiguration.openshift.io', 'machineconfigs')!;
    assert.deepEqual(mc.verbs, ['get', 'list', 'watch', 'create', 'patch', 'delete']);
    assert.deepEqual(mc.assets, ['psi', 'swap'], 'every asset behind the rule, sorted');
    assert.deepEqual(find(rules, 'forklift.konveyor.io', 'forkliftcontrollers')?.verbs, [...MANAGED_VERBS]);
    for (const r of rules) assert.ok(!r.verbs.includes('update'), `${r.resource}: ${r.verbs.join(',')}`);
    const withDelete = rules.filter((r) => r.verbs.includes('delete')).map((r) => r.resource);
    assert.deepEqual(withDelete.sort(), ['configmaps', 'forkliftcontrollers', 'machineconfigs'], 'delete exactly on the kinds it creates');
  });

  it('never grants create or delete on the HyperConverged: it is the configuration source, patched not created (released, never pruned)', () => {
    const hco = find(buildRules(MANAGED, [], crds), 'hco.kubevirt.io', 'hyperconvergeds')!;
    assert.deepEqual(hco.verbs, ['get', 'list', 'watch', 'patch']);
    assert.deepEqual(hco.assets, ['hco-golden']);
    assert.ok(hco.fixed);
  });

  it('grants delete on a tombstone-only kind by name only, plus list/watch to find them; a prunable kind needs no name rule', () => {
    const rules = buildRules(MANAGED, TOMBS, crds);
    assert.deepEqual(find(rules, 'remediation.medik8s.io', 'nodehealthchecks')?.verbs, ['list', 'watch'], 'a tombstone-only kind');
    assert.deepEqual(deleteRule(rules, 'remediation.medik8s.io', 'nodehealthchecks'), {
      group: 'remediation.medik8s.io',
      resource: 'nodehealthchecks',
      resourceNames: ['old-nhc'],
      verbs: ['delete'],
      assets: [],
      tombstones: ['tombstones/old.yaml'],
    });
    const cm = find(rules, '', 'configmaps')!;
    assert.deepEqual(cm.verbs, ['get', 'list', 'watch', 'create', 'patch', 'delete'], 'managed (prunable) and tombstoned: delete on the kind');
    assert.deepEqual(cm.tombstones, ['tombstones/old.yaml', 'tombstones/older.yaml']);
    assert.equal(deleteRule(rules, '', 'configmaps'), undefined, 'no redundant name rule');
    const nameRules = rules.filter((r) => r.resourceNames);
    assert.deepEqual(
      nameRules.map((r) => r.resource),
      ['nodehealthchecks'],
    );
  });

  it("puts a resource's delete rule right after its general rule", () => {
    const keys = buildRules(MANAGED, TOMBS, crds).map((r) => `${r.group}/${r.resource}${r.resourceNames ? ' (names)' : ''}`);
    const i = keys.indexOf('remediation.medik8s.io/nodehealthchecks');
    assert.equal(keys[i + 1], 'remediation.medik8s.io/nodehealthchecks (names)');
  });

  it('is stable: the same rules and text whatever the input order', () => {
    const a = roleYaml(buildRules(MANAGED, TOMBS, crds));
    for (let i = 0; i < 5; i++) {
      const shuffled = [...MANAGED].sort(() => Math.random() - 0.5);
      assert.equal(roleYaml(buildRules(shuffled, [...TOMBS].reverse(), crds)), a);
    }
  });

  it('sorts rules by API group, then resource', () => {
    const keys = buildRules(MANAGED, TOMBS, crds).map((r) => `${r.group}/${r.resource}`);
    assert.deepEqual(
      keys,
      [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    assert.equal(keys[0], '/configmaps', 'the core group ("") first');
  });

  it('lists every kind it cannot map, then fails', () => {
    assert.throws(
      () => buildRules([asset('a', 'example.com/v1', 'Gadget'), asset('b', 'v1', 'ConfigMap')], [tomb('tombstones/x.yaml', 'example.com/v1', 'Widget')], crds),
      (e: unknown) => e instanceof MappingError && /asset a: Gadget/.test(e.message) && /tombstones\/x\.yaml: Widget/.test(e.message),
    );
  });

  it('writes a ClusterRole with the header, no wildcard, and rules a YAML parser reads back exactly', () => {
    const rules = buildRules(MANAGED, TOMBS, crds);
    const text = roleYaml(rules);
    assert.equal(text.split('\n')[0], HEADER);
    assert.ok(!text.includes('*'), 'no wildcard anywhere');
    const doc = yaml.load(text) as {
      kind: string;
      metadata: { name: string };
      rules: { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] }[];
    };
    assert.equal(doc.kind, 'ClusterRole');
    assert.equal(doc.metadata.name, 'virt-platform-operator');
    assert.deepEqual(
      doc.rules,
      rules.map((r) => ({ apiGroups: [r.group], resources: [r.resource], ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}), verbs: r.verbs })),
    );
    assert.match(text, /# assets psi, swap\n {2}- apiGroups: \["machineconfiguration\.openshift\.io"\]/);
    assert.match(
      text,
      /# tombstone tombstones\/old\.yaml: delete only these\n {2}- apiGroups: \["remediation\.medik8s\.io"\]\n {4}resources: \["nodehealthchecks"\]\n {4}resourceNames: \["old-nhc"\]\n {4}verbs: \["delete"\]\n/,
    );
    for (const line of text.split('\n')) assert.ok(line.length <= 100, `line too long: ${line}`);
  });
});
