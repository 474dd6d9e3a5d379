import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import yaml from 'js-yaml';
import type { Asset } from '../catalog/catalog.js';
import type { CrdInfo } from '../vocabulary/crd-info.js';
import type { KubeObject } from '../vocabulary/object.js';
import { clusterFacts, renderContext, type ClusterFacts } from './context.js';
import { Renderer } from './renderer.js';
import { everyKindServed } from '../watch/offline-cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'vpo-helpers-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const renderer = new Renderer(dir);

const DESCHEDULER_CRD: CrdInfo = {
  name: 'kubedeschedulers.operator.openshift.io',
  group: 'operator.openshift.io',
  kind: 'KubeDescheduler',
  plural: 'kubedeschedulers',
  namespaced: true,
  servedVersions: ['v1', 'v1beta1'],
  storageVersion: 'v1',
  enums: {
    v1: { 'spec.profiles': ['AffinityAndTaints', 'LongLifecycle', 'KubeVirtRelieveAndMigrate'], 'spec.mode': ['Automatic', 'Predictive'] },
    v1beta1: { 'spec.profiles': ['DevKubeVirtRelieveAndMigrate'] },
  },
};

const objects = new Set(['Namespace//openshift-mtv', 'ConfigMap/openshift-cnv/settings']);
const calls: string[][] = [];
const facts: ClusterFacts = clusterFacts({
  hardware: { pciDevicesPresent: true, numaNodesPresent: false, vfioCapable: false, usbDevicesPresent: false, gpuPresent: false },
  topology: { hasSchedulableMasters: true, hasDedicatedWorkers: false, singleNode: true, nodes: 1, masters: 1, workers: 0 },
  crds: new Map([[DESCHEDULER_CRD.name, DESCHEDULER_CRD]]),
  objectExists: (kind, namespace, name) => {
    calls.push([kind, namespace, name]);
    return objects.has(`${kind}/${namespace}/${name}`);
  },
});

function hcoWith(spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'hco.kubevirt.io/v1',
    kind: 'HyperConverged',
    metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv', annotations },
    spec,
  };
}

let seq = 0;
/** Renders template text through the Renderer, exactly as an asset template would be. */
function run(source: string, opts: { hco?: KubeObject; params?: Record<string, unknown>; facts?: ClusterFacts } = {}): string {
  const path = `t${seq++}.tpl`;
  writeFileSync(join(dir, path), source);
  const asset: Asset = {
    name: 'helper-test',
    path,
    kind: 'ConfigMap',
    reconcileOrder: 10,
    install: 'always',
    family: 'test',
    templateParams: opts.params ?? {},
    conditions: [],
    description: '',
  };
  const f = opts.facts ?? facts;
  return renderer.renderText(asset, renderContext(opts.hco ?? hcoWith(), f, asset), f);
}

/** `{{#if <expr>}}yes{{else}}no{{/if}}` as a boolean. */
const truth = (expr: string, opts?: Parameters<typeof run>[1]): boolean => {
  const out = run(`{{#if ${expr}}}yes{{else}}no{{/if}}`, opts);
  assert.ok(out === 'yes' || out === 'no', out);
  return out === 'yes';
};

describe('dig and default', () => {
  const hco = hcoWith({ liveMigrationConfig: { parallelMigrationsPerCluster: 5, bandwidth: null, zero: 0 } });

  it('dig reads a dotted path from an object', () => {
    assert.equal(run('{{dig hco "spec.liveMigrationConfig.parallelMigrationsPerCluster"}}', { hco }), '5');
  });

  it('dig falls back to the default when the value is missing or null', () => {
    assert.equal(run('{{dig hco "spec.liveMigrationConfig.nothing" "fallback"}}', { hco }), 'fallback');
    assert.equal(run('{{dig hco "spec.liveMigrationConfig.bandwidth" "64Mi"}}', { hco }), '64Mi');
    assert.equal(run('{{dig hco "spec.a.b.c" 3}}', { hco }), '3');
  });

  it('dig keeps falsy values that are set', () => {
    assert.equal(run('{{dig hco "spec.liveMigrationConfig.zero" 9}}', { hco }), '0');
  });

  it('dig without a default renders empty for a missing value', () => {
    assert.equal(run('[{{dig hco "spec.missing"}}]', { hco }), '[]');
  });

  it('dig does not reach inherited properties', () => {
    assert.equal(run('{{dig hco "spec.constructor" "none"}}', { hco }), 'none');
  });

  it('default replaces undefined, null and "" but keeps 0 and false', () => {
    assert.equal(run('{{default hco.spec.missing "d"}}', { hco }), 'd');
    assert.equal(run('{{default hco.spec.liveMigrationConfig.bandwidth "d"}}', { hco }), 'd');
    assert.equal(run('{{default "" "d"}}'), 'd');
    assert.equal(run('{{default hco.spec.liveMigrationConfig.zero "d"}}', { hco }), '0');
    assert.equal(run('{{default false "d"}}'), 'false');
    assert.equal(run('{{default "set" "d"}}'), 'set');
  });
});

describe('comparisons and logic', () => {
  it('eq / ne compare strictly', () => {
    assert.equal(truth('(eq "a" "a")'), true);
    assert.equal(truth('(eq "a" "b")'), false);
    assert.equal(truth('(eq 1 "1")'), false);
    assert.equal(truth('(ne 1 "1")'), true);
    assert.equal(truth('(ne "a" "a")'), false);
    assert.equal(truth('(eq topology.masters 1)'), true);
  });

  it('lt / gt / le / ge compare numerically, also numeric strings', () => {
    assert.equal(truth('(lt 1 2)'), true);
    assert.equal(truth('(lt 2 1)'), false);
    assert.equal(truth('(lt 2 2)'), false);
    assert.equal(truth('(lt "9" "10")'), true, 'numeric, not lexicographic');
    assert.equal(truth('(le 2 2)'), true);
    assert.equal(truth('(le 3 2)'), false);
    assert.equal(truth('(gt "10" "9")'), true, 'numeric, not lexicographic');
    assert.equal(truth('(gt 1 1)'), false);
    assert.equal(truth('(ge 1 1)'), true);
    assert.equal(truth('(ge 0 1)'), false);
    assert.equal(truth('(gt topology.nodes 2)'), false);
  });

  it('and / or / not', () => {
    assert.equal(truth('(and true true)'), true);
    assert.equal(truth('(and true false)'), false);
    assert.equal(truth('(and hardware.pciDevicesPresent topology.singleNode)'), true);
    assert.equal(truth('(and hardware.pciDevicesPresent hardware.gpuPresent)'), false);
    assert.equal(truth('(and true true 0)'), false);
    assert.equal(truth('(or false 0 "")'), false);
    assert.equal(truth('(or false 0 "x")'), true);
    assert.equal(truth('(or hardware.gpuPresent hardware.pciDevicesPresent)'), true);
    assert.equal(truth('(not hardware.gpuPresent)'), true);
    assert.equal(truth('(not "x")'), false);
    assert.equal(truth('(not (and true (or false true)))'), false);
  });
});

describe('toJson and quote produce safe YAML for untrusted strings', () => {
  const HOSTILE = [
    'a: b\n- x',
    '"quotes"',
    "it's",
    '#not a comment',
    '- item',
    '? key',
    '&anchor *alias',
    '!!binary x',
    '{{curly}}',
    '{"flow": [1]}',
    'back\\slash',
    'tab\there',
    'nul\u0000bell\u0007',
    'line\u2028sep\u2029',
    '\r\ncrlf',
    '---',
    '...',
    '%YAML 1.2',
    'null',
    'true',
    '0x1F',
    '',
    '   padded   ',
    'emoji 😀 and lone \ud800',
  ];
  const hco = hcoWith({}, Object.fromEntries(HOSTILE.map((h, i) => [`k${i}`, h])));

  it('quote: every hostile annotation value round-trips as the same string', () => {
    const src = HOSTILE.map((_, i) => `v${i}: {{quote (dig hco "metadata.annotations.k${i}")}}`).join('\n');
    const parsed = yaml.load(run(src, { hco })) as Record<string, unknown>;
    HOSTILE.forEach((h, i) => assert.equal(parsed[`v${i}`], h, JSON.stringify(h)));
  });

  it('quote inside a block list and a nested mapping stays one scalar', () => {
    const src = `list:\n  - {{quote hco.metadata.annotations.k0}}\n  - {{quote hco.metadata.annotations.k1}}\nnested:\n  key: {{quote hco.metadata.annotations.k0}}\n  after: ok\n`;
    assert.deepEqual(yaml.load(run(src, { hco })), { list: [HOSTILE[0], HOSTILE[1]], nested: { key: HOSTILE[0], after: 'ok' } });
  });

  it('quote renders scalars as strings and objects as JSON text', () => {
    const parsed = yaml.load(
      run('n: {{quote 5}}\nb: {{quote true}}\nmissing: {{quote hco.spec.missing}}\nobj: {{quote params.o}}\n', { params: { o: { a: 1 } } }),
    );
    assert.deepEqual(parsed, { n: '5', b: 'true', missing: '', obj: '{"a":1}' });
  });

  it('toJson: every hostile value round-trips, keeping its type', () => {
    const src = HOSTILE.map((_, i) => `v${i}: {{toJson (dig hco "metadata.annotations.k${i}")}}`).join('\n');
    const parsed = yaml.load(run(src, { hco })) as Record<string, unknown>;
    HOSTILE.forEach((h, i) => assert.equal(parsed[`v${i}`], h, JSON.stringify(h)));
  });

  it('toJson: objects and lists with hostile keys and values become equal flow collections', () => {
    const value = { 'a: b\n- x': ['"q"', 1, true, null, { '#k': 'v: w' }], plain: 'x' };
    const parsed = yaml.load(run('spec:\n  value: {{toJson params.value}}\n  after: 1\n', { params: { value } }));
    assert.deepEqual(parsed, { spec: { value, after: 1 } });
  });

  it('toJson renders a missing value as null and keeps numbers and booleans typed', () => {
    assert.deepEqual(yaml.load(run('a: {{toJson hco.spec.missing}}\nb: {{toJson 5}}\nc: {{toJson false}}\n')), { a: null, b: 5, c: false });
  });
});

describe('toYaml', () => {
  it('indents every line by the given amount', () => {
    const out = run('spec:\n{{toYaml params.v 2}}\n', { params: { v: { a: 1, b: ['x', 'z'] } } });
    assert.equal(out, 'spec:\n  a: 1\n  b:\n    - x\n    - z\n');
  });

  it('round-trips nested values with hostile strings, including multi-line ones', () => {
    const v = { 'a: b': 'a: b\n- x', multi: 'line one\n\nline three\n', q: '"quotes"', list: [{ k: '#c' }, '- y'], n: null, t: true };
    const parsed = yaml.load(run('spec:\n  nested:\n{{toYaml params.v 4}}\n', { params: { v } }));
    assert.deepEqual(parsed, { spec: { nested: v } });
  });

  it('without an indent renders at column 0', () => {
    assert.deepEqual(yaml.load(run('{{toYaml params.v}}\n', { params: { v: { kind: 'X', list: [1] } } })), { kind: 'X', list: [1] });
  });

  it('renders a missing value as null', () => {
    assert.equal(run('{{toYaml hco.spec.missing}}'), 'null');
  });
});

describe('join', () => {
  it('joins a list with the separator, defaulting to ","', () => {
    assert.equal(run('{{join params.l " "}}', { params: { l: ['a', 1, true] } }), 'a 1 true');
    assert.equal(run('{{join params.l}}', { params: { l: ['a', 'b'] } }), 'a,b');
    assert.equal(run('[{{join params.missing ","}}]'), '[]');
  });
});

describe('cluster introspection helpers', () => {
  const CRD = DESCHEDULER_CRD.name;

  it('hasCrd answers from the CRD map', () => {
    assert.equal(truth(`(hasCrd "${CRD}")`), true);
    assert.equal(truth('(hasCrd "forkliftcontrollers.forklift.konveyor.io")'), false);
  });

  it('hasCrd is true for any CRD when rendering offline with every catalog kind served', () => {
    const none = clusterFacts({ ...facts, crds: new Map() });
    const offline = everyKindServed(none);
    assert.equal(truth('(hasCrd "forkliftcontrollers.forklift.konveyor.io")', { facts: offline }), true);
    assert.equal(truth('(hasCrd "forkliftcontrollers.forklift.konveyor.io")', { facts: none }), false);
  });

  it('crdHasEnum looks at the storage version of the CRD', () => {
    assert.equal(truth(`(crdHasEnum "${CRD}" "spec.profiles" "KubeVirtRelieveAndMigrate")`), true);
    assert.equal(truth(`(crdHasEnum "${CRD}" "spec.mode" "Predictive")`), true);
    assert.equal(truth(`(crdHasEnum "${CRD}" "spec.profiles" "DevKubeVirtRelieveAndMigrate")`), false, 'only in v1beta1, not the storage version');
    assert.equal(truth(`(crdHasEnum "${CRD}" "spec.profiles" "NoSuchProfile")`), false);
    assert.equal(truth(`(crdHasEnum "${CRD}" "spec.noSuchField" "Automatic")`), false);
    assert.equal(truth('(crdHasEnum "missing.example.com" "spec.profiles" "LongLifecycle")'), false);
  });

  it('pickEnum returns the first candidate the CRD offers, or ""', () => {
    assert.equal(
      run(`{{pickEnum "${CRD}" "spec.profiles" "DevKubeVirtRelieveAndMigrate" "KubeVirtRelieveAndMigrate" "LongLifecycle"}}`),
      'KubeVirtRelieveAndMigrate',
    );
    assert.equal(run(`{{pickEnum "${CRD}" "spec.profiles" "LongLifecycle" "KubeVirtRelieveAndMigrate"}}`), 'LongLifecycle');
    assert.equal(run(`[{{pickEnum "${CRD}" "spec.profiles" "Nope" "AlsoNope"}}]`), '[]');
    assert.equal(run('[{{pickEnum "missing.example.com" "spec.profiles" "LongLifecycle"}}]'), '[]');
    assert.equal(run(`[{{pickEnum "${CRD}" "spec.profiles"}}]`), '[]');
  });

  it('objectExists asks the facts with kind, namespace and name as strings', () => {
    calls.length = 0;
    assert.equal(truth('(objectExists "Namespace" "" "openshift-mtv")'), true);
    assert.equal(truth('(objectExists "ConfigMap" namespace "settings")'), true);
    assert.equal(truth('(objectExists "Namespace" "" "openshift-nope")'), false);
    assert.equal(truth('(objectExists "Namespace" hco.spec.missing "openshift-mtv")'), true, 'a missing namespace is ""');
    assert.deepEqual(calls, [
      ['Namespace', '', 'openshift-mtv'],
      ['ConfigMap', 'openshift-cnv', 'settings'],
      ['Namespace', '', 'openshift-nope'],
      ['Namespace', '', 'openshift-mtv'],
    ]);
  });

  it('featureGate reads the HCO of the context root', () => {
    const hco = hcoWith({ featureGates: [{ name: 'CPUManager' }, { name: 'Off', state: 'Disabled' }] });
    assert.equal(truth('(featureGate "CPUManager")', { hco }), true);
    assert.equal(truth('(featureGate "Off")', { hco }), false);
    assert.equal(truth('(featureGate "Missing")', { hco }), false);
    assert.equal(truth('(featureGate "CPUManager")'), false);
  });

  it('featureGate still reads the root HCO inside #with and #each blocks', () => {
    const hco = hcoWith({ featureGates: [{ name: 'CPUManager' }] });
    assert.equal(run('{{#with params.inner}}{{#if (featureGate "CPUManager")}}yes{{else}}no{{/if}}{{/with}}', { hco, params: { inner: { hco: {} } } }), 'yes');
    assert.equal(run('{{#each params.list}}{{#if (featureGate "CPUManager")}}y{{else}}n{{/if}}{{/each}}', { hco, params: { list: [1, 2] } }), 'yy');
  });
});
