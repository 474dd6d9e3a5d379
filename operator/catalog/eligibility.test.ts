import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANNOTATIONS } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { Asset, Condition } from './catalog.js';
import { activates, evaluateEligibility, parseActivation, unknownActivationEntries, type Activation, type EligibilityFacts } from './eligibility.js';
import type { Hardware } from './hardware.js';
import type { Topology } from './topology.js';

function hco(annotations?: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'hco.kubevirt.io/v1',
    kind: 'HyperConverged',
    metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv', ...(annotations ? { annotations } : {}) },
    spec,
  };
}

function asset(name: string, over: Partial<Asset> = {}): Asset {
  return {
    name,
    path: `${over.family ?? 'machine-config'}/${name}.yaml.tpl`,
    kind: 'MachineConfig',
    reconcileOrder: 10,
    install: 'always',
    family: 'machine-config',
    templateParams: {},
    conditions: [],
    description: '',
    ...over,
  };
}

const NO_HW: Hardware = { pciDevicesPresent: false, numaNodesPresent: false, vfioCapable: false, usbDevicesPresent: false, gpuPresent: false };
const TOPO: Topology = { hasSchedulableMasters: false, hasDedicatedWorkers: true, singleNode: false, nodes: 6, masters: 3, workers: 3 };

function facts(over: Partial<EligibilityFacts> = {}, crds: string[] = []): EligibilityFacts {
  return { hco: hco({ [ANNOTATIONS.autopilot]: 'true' }), hardware: NO_HW, topology: TOPO, hasCrd: (n) => crds.includes(n), ...over };
}

const ALL: Activation = { all: true, names: new Set() };

describe('parseActivation', () => {
  it('is undefined (idle) when the annotation is absent', () => {
    assert.equal(parseActivation(hco()), undefined);
    assert.equal(parseActivation(hco({ other: 'true' })), undefined);
    assert.equal(parseActivation({ kind: 'HyperConverged' }), undefined);
  });

  it('is undefined (idle) when the annotation is empty, blank or "false"', () => {
    for (const v of ['', '   ', 'false', ' false ']) assert.equal(parseActivation(hco({ [ANNOTATIONS.autopilot]: v })), undefined, JSON.stringify(v));
  });

  it('activates everything on "true" (surrounding spaces tolerated)', () => {
    for (const v of ['true', '  true\n']) {
      const a = parseActivation(hco({ [ANNOTATIONS.autopilot]: v }));
      assert.deepEqual(a, { all: true, names: new Set() });
    }
  });

  it('parses a list: trims entries, lowercases them and drops empty ones', () => {
    const a = parseActivation(hco({ [ANNOTATIONS.autopilot]: ' MTV , machine-config,,  Remediation ,' }));
    assert.deepEqual(a, { all: false, names: new Set(['mtv', 'machine-config', 'remediation']) });
  });

  it('parses a single-entry list', () => {
    assert.deepEqual(parseActivation(hco({ [ANNOTATIONS.autopilot]: 'descheduler' })), { all: false, names: new Set(['descheduler']) });
  });
});

describe('activates and unknownActivationEntries', () => {
  const swap = asset('node-swap', { group: 'node-tuning' });
  const mtv = asset('mtv', { family: 'operators', kind: 'ForkliftController' });
  const list = (...names: string[]): Activation => ({ all: false, names: new Set(names) });

  it('"true" activates every asset', () => {
    assert.ok(activates(ALL, swap));
    assert.ok(activates(ALL, mtv));
  });

  it('activates by asset name', () => {
    assert.ok(activates(list('mtv'), mtv));
    assert.ok(!activates(list('mtv'), swap));
  });

  it('activates by family (the template folder)', () => {
    assert.ok(activates(list('machine-config'), swap));
    assert.ok(!activates(list('machine-config'), mtv));
  });

  it('activates by group', () => {
    assert.ok(activates(list('node-tuning'), swap));
    assert.ok(!activates(list('node-tuning'), mtv));
  });

  it('"swap-enable", the name HCO acts on, selects the swap group and nothing else', () => {
    const swapGroup = asset('swap-enable-worker', { group: 'swap' });
    assert.ok(activates(list('swap-enable'), swapGroup));
    assert.ok(!activates(list('swap-enable'), swap) && !activates(list('swap-enable'), mtv));
    assert.deepEqual(unknownActivationEntries(list('swap-enable'), [mtv]), []);
  });

  it('an asset without a group is not activated by an empty-string entry', () => {
    assert.ok(!activates(list(''), mtv));
  });

  it('reports entries that name no asset, family or group', () => {
    assert.deepEqual(unknownActivationEntries(list('mtv', 'operators', 'node-tuning', 'machine-config', 'metallb', 'typo'), [swap, mtv]), ['metallb', 'typo']);
    assert.deepEqual(unknownActivationEntries(list('node-swap'), [swap, mtv]), []);
    assert.deepEqual(unknownActivationEntries(ALL, [swap]), []);
  });
});

describe('evaluateEligibility', () => {
  const eligible = { eligible: true };
  const withCond = (...conditions: Condition[]): Asset => asset('x', { conditions });

  it('is idle without an activation', () => {
    const r = evaluateEligibility(asset('x'), undefined, facts());
    assert.equal(r.eligible, false);
    assert.match((r as { reason: string }).reason, /autopilot annotation is absent/);
    assert.equal((r as { off?: string }).off, undefined, 'idle is no decision to turn anything off');
  });

  it('skips an asset the activation list does not name', () => {
    const r = evaluateEligibility(asset('x'), { all: false, names: new Set(['y']) }, facts());
    assert.deepEqual(r, { eligible: false, reason: `not in the ${ANNOTATIONS.autopilot} list`, off: 'allowlist' });
  });

  it('is eligible when activated and there are no conditions', () => {
    assert.deepEqual(evaluateEligibility(asset('x'), ALL, facts()), eligible);
    assert.deepEqual(evaluateEligibility(asset('x'), { all: false, names: new Set(['x']) }, facts()), eligible);
  });

  describe('annotation condition', () => {
    const a = withCond({ type: 'annotation', key: 'platform.kubevirt.io/enable-mtv', value: 'true' });
    it('holds when the HCO annotation has the value', () => {
      assert.deepEqual(evaluateEligibility(a, ALL, facts({ hco: hco({ 'platform.kubevirt.io/enable-mtv': 'true' }) })), eligible);
    });
    it('does not hold when absent or different', () => {
      for (const ann of [{}, { 'platform.kubevirt.io/enable-mtv': 'false' }, { 'platform.kubevirt.io/enable-mtv': 'True' }] as Record<string, string>[]) {
        const r = evaluateEligibility(a, ALL, facts({ hco: hco(ann) }));
        assert.equal(r.eligible, false);
        assert.match((r as { reason: string }).reason, /annotation platform\.kubevirt\.io\/enable-mtv is not "true"/);
      }
    });
  });

  describe('hardware-detection condition', () => {
    const a = withCond({ type: 'hardware-detection', detector: 'gpuPresent' });
    it('holds when the detector is true', () => {
      assert.deepEqual(evaluateEligibility(a, ALL, facts({ hardware: { ...NO_HW, gpuPresent: true } })), eligible);
    });
    it('does not hold when the detector is false', () => {
      assert.deepEqual(evaluateEligibility(a, ALL, facts({ hardware: { ...NO_HW, pciDevicesPresent: true } })), {
        eligible: false,
        reason: 'no node shows gpuPresent',
        off: 'fact',
      });
    });
  });

  describe('feature-gate condition', () => {
    const a = withCond({ type: 'feature-gate', gate: 'CPUManager' });
    it('holds when the gate is enabled', () => {
      assert.deepEqual(evaluateEligibility(a, ALL, facts({ hco: hco(undefined, { featureGates: [{ name: 'CPUManager' }] }) })), eligible);
    });
    it('does not hold when the gate is Disabled', () => {
      const r = evaluateEligibility(a, ALL, facts({ hco: hco(undefined, { featureGates: [{ name: 'CPUManager', state: 'Disabled' }] }) }));
      assert.deepEqual(r, { eligible: false, reason: 'HyperConverged feature gate CPUManager is not enabled', off: 'decided' });
    });
  });

  describe('hco-field-unconfigured condition', () => {
    const a = withCond({ type: 'hco-field-unconfigured', path: 'spec.liveMigrationConfig.parallelMigrationsPerCluster' });
    it('holds when the field is absent or null', () => {
      assert.deepEqual(evaluateEligibility(a, ALL, facts({ hco: hco(undefined, {}) })), eligible);
      assert.deepEqual(evaluateEligibility(a, ALL, facts({ hco: hco(undefined, { liveMigrationConfig: { parallelMigrationsPerCluster: null } }) })), eligible);
    });
    it('does not hold when the HCO sets the field, even to a falsy value', () => {
      for (const v of [5, 0, false, '']) {
        const r = evaluateEligibility(a, ALL, facts({ hco: hco(undefined, { liveMigrationConfig: { parallelMigrationsPerCluster: v } }) }));
        assert.deepEqual(
          r,
          { eligible: false, reason: 'the HyperConverged already sets spec.liveMigrationConfig.parallelMigrationsPerCluster', off: 'decided' },
          String(v),
        );
      }
    });
  });

  describe('topology condition', () => {
    it('holds when the fact has the wanted value', () => {
      assert.deepEqual(evaluateEligibility(withCond({ type: 'topology', fact: 'hasDedicatedWorkers', value: true }), ALL, facts()), eligible);
      assert.deepEqual(evaluateEligibility(withCond({ type: 'topology', fact: 'singleNode', value: false }), ALL, facts()), eligible);
    });
    it('does not hold otherwise', () => {
      assert.deepEqual(evaluateEligibility(withCond({ type: 'topology', fact: 'hasSchedulableMasters', value: true }), ALL, facts()), {
        eligible: false,
        reason: 'topology: hasSchedulableMasters is false',
        off: 'fact',
      });
      assert.deepEqual(evaluateEligibility(withCond({ type: 'topology', fact: 'singleNode', value: true }), ALL, facts()).eligible, false);
    });
  });

  it('requires all conditions and reports the first that fails', () => {
    const a = withCond(
      { type: 'topology', fact: 'hasDedicatedWorkers', value: true },
      { type: 'hardware-detection', detector: 'numaNodesPresent' },
      {
        type: 'hardware-detection',
        detector: 'vfioCapable',
      },
    );
    assert.deepEqual(evaluateEligibility(a, ALL, facts()), { eligible: false, reason: 'no node shows numaNodesPresent', off: 'fact' });
    assert.deepEqual(evaluateEligibility(a, ALL, facts({ hardware: { ...NO_HW, numaNodesPresent: true } })), {
      eligible: false,
      reason: 'no node shows vfioCapable',
      off: 'fact',
    });
    assert.deepEqual(evaluateEligibility(a, ALL, facts({ hardware: { ...NO_HW, numaNodesPresent: true, vfioCapable: true } })), eligible);
  });

  describe('gate CRD', () => {
    const a = asset('mtv', { gateCrd: 'forkliftcontrollers.forklift.konveyor.io' });
    it('is not eligible, and names the missing CRD, when the gate CRD is not installed', () => {
      assert.deepEqual(evaluateEligibility(a, ALL, facts()), {
        eligible: false,
        reason: 'CRD forkliftcontrollers.forklift.konveyor.io is not installed',
        missingCrd: 'forkliftcontrollers.forklift.konveyor.io',
      });
    });
    it('is eligible once the CRD is installed', () => {
      assert.deepEqual(evaluateEligibility(a, ALL, facts({}, ['forkliftcontrollers.forklift.konveyor.io'])), eligible);
    });
    it('reports a failing condition before the missing CRD (no CRD noise for assets that do not apply)', () => {
      const r = evaluateEligibility({ ...a, conditions: [{ type: 'hardware-detection', detector: 'gpuPresent' }] }, ALL, facts());
      assert.deepEqual(r, { eligible: false, reason: 'no node shows gpuPresent', off: 'fact' });
    });
  });
});

describe('parseActivation: case', () => {
  it('reads "True" and "FALSE" as the booleans an admin meant', () => {
    const h = (v: string): KubeObject => ({ metadata: { annotations: { [ANNOTATIONS.autopilot]: v } } });
    assert.deepEqual(parseActivation(h('True'))?.all, true);
    assert.equal(parseActivation(h('FALSE')), undefined);
  });
});

describe('parseActivation: untrusted size (issue 11, repro 12)', () => {
  it('stays idle when any control annotation on the HCO is over 64 KiB', () => {
    const big = 'x'.repeat(64 * 1024 + 1);
    assert.equal(parseActivation(hco({ [ANNOTATIONS.autopilot]: 'true', [ANNOTATIONS.disabledResources]: big })), undefined);
    assert.equal(parseActivation(hco({ [ANNOTATIONS.autopilot]: 'true,' + big })), undefined);
    assert.equal(parseActivation(hco({ [ANNOTATIONS.autopilot]: 'true', 'platform.kubevirt.io/enable-mtv': big })), undefined);
    assert.deepEqual(
      parseActivation(hco({ [ANNOTATIONS.autopilot]: 'true', [ANNOTATIONS.patch]: big })),
      { all: true, names: new Set() },
      'the chain refuses a big patch itself',
    );
  });

  it('any text: parsed within bounds', async () => {
    const fc = (await import('fast-check')).default;
    const { bounded, MiB } = await import('../../e2e/support/bounds.js');
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(fc.constantFrom('mtv', ',', ' ', 'TRUE', 'false', 'Remediation'), { maxLength: 2000 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const a = bounded('autopilot', { ms: 50, bytes: 16 * MiB }, () => parseActivation(hco({ [ANNOTATIONS.autopilot]: t })));
        if (a && !a.all) for (const n of a.names) assert.ok(n === n.trim().toLowerCase() && n.length > 0 && !n.includes(','));
      }),
      { numRuns: 300 },
    );
  });
});
