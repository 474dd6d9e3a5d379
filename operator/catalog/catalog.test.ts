import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { CatalogError, loadCatalog } from './catalog.js';
import { sha256 } from '../util/sha256.js';
import { precompiledCatalogModule } from '../../scripts/image-bundle.js';
import { repoPath } from '../../scripts/repo.js';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const TEMPLATES = [
  'hco/golden-config.yaml.tpl',
  'machine-config/swap.yaml.tpl',
  'machine-config/pci-passthrough.yaml.tpl',
  'operators/mtv.yaml.tpl',
  'remediation/nhc.yaml.tpl',
  'descheduler/descheduler.yaml.tpl',
];

/** A temp assets folder with the given metadata.yaml and a few template files. */
function catalogDir(metadata: string, templates: string[] = TEMPLATES): string {
  const dir = mkdtempSync(join(tmpdir(), 'vpo-catalog-test-'));
  made.push(dir);
  for (const t of templates) {
    mkdirSync(dirname(join(dir, t)), { recursive: true });
    writeFileSync(join(dir, t), 'kind: X\n');
  }
  writeFileSync(join(dir, 'metadata.yaml'), metadata);
  return dir;
}

const HCO_ENTRY = `
  - name: hco-golden-config
    path: hco/golden-config.yaml.tpl
    kind: HyperConverged
    reconcile_order: 0
`;

/** A catalog of the HCO asset plus one more entry (given as YAML list item text). */
const withHco = (entry: string): string => `assets:\n${HCO_ENTRY}${entry}`;

/** Asserts loadCatalog fails with a CatalogError naming the file, the asset and matching `re`. */
function assertRefused(metadata: string, asset: string, re: RegExp): void {
  const dir = catalogDir(metadata);
  const file = join(dir, 'metadata.yaml');
  assert.throws(
    () => loadCatalog(dir),
    (e: unknown) => {
      assert.ok(e instanceof CatalogError, `expected a CatalogError, got ${String(e)}`);
      assert.ok(e.message.includes(file), `message names the file: ${e.message}`);
      assert.ok(e.message.includes(`"${asset}"`), `message names the asset "${asset}": ${e.message}`);
      assert.match(e.message, re);
      return true;
    },
  );
}

describe('loadCatalog: a valid catalog', () => {
  const metadata = `
assets:
  - name: swap
    path: machine-config/swap.yaml.tpl
    kind: MachineConfig
    reconcile_order: 10
    group: node-tuning
    description: Enables swap on workers
  - name: mtv
    path: operators/mtv.yaml.tpl
    kind: ForkliftController
    reconcile_order: 20
    install: opt-in
    gate_crd: forkliftcontrollers.forklift.konveyor.io
    template_params:
      replicas: 2
    conditions:
      - type: annotation
        key: platform.kubevirt.io/enable-mtv
  - name: pci-passthrough
    path: machine-config/pci-passthrough.yaml.tpl
    kind: MachineConfig
    reconcile_order: 10
    install: opt-in
    conditions:
      - type: annotation
        key: platform.kubevirt.io/enable-pci-passthrough
        value: true
      - type: hardware-detection
        detector: pciDevicesPresent
  - name: descheduler
    path: descheduler/descheduler.yaml.tpl
    kind: KubeDescheduler
    reconcile_order: 30
    conditions:
      - type: hco-field-unconfigured
        path: spec.workloadUpdateStrategy
      - type: feature-gate
        gate: LoadAware
  - name: nhc
    path: remediation/nhc.yaml.tpl
    kind: NodeHealthCheck
    reconcile_order: 20
    conditions:
      - type: topology
        fact: hasDedicatedWorkers
      - type: topology
        fact: singleNode
        value: false
${HCO_ENTRY}`;

  it('returns every asset sorted by reconcile order, then by name', () => {
    const dir = catalogDir(metadata);
    const cat = loadCatalog(dir);
    assert.equal(cat.dir, dir);
    assert.deepEqual(
      cat.assets.map((a) => [a.reconcileOrder, a.name]),
      [
        [0, 'hco-golden-config'],
        [10, 'pci-passthrough'],
        [10, 'swap'],
        [20, 'mtv'],
        [20, 'nhc'],
        [30, 'descheduler'],
      ],
    );
  });

  it('maps the YAML fields, derives the family from the template folder and fills defaults', () => {
    const cat = loadCatalog(catalogDir(metadata));
    const byName = new Map(cat.assets.map((a) => [a.name, a]));
    assert.deepEqual(byName.get('swap'), {
      name: 'swap',
      path: 'machine-config/swap.yaml.tpl',
      kind: 'MachineConfig',
      reconcileOrder: 10,
      install: 'always',
      family: 'machine-config',
      group: 'node-tuning',
      gateCrd: undefined,
      templateParams: {},
      conditions: [],
      description: 'Enables swap on workers',
    });
    const mtv = byName.get('mtv')!;
    assert.equal(mtv.install, 'opt-in');
    assert.equal(mtv.family, 'operators');
    assert.equal(mtv.gateCrd, 'forkliftcontrollers.forklift.konveyor.io');
    assert.deepEqual(mtv.templateParams, { replicas: 2 });
    assert.equal(mtv.description, '');
    // An annotation condition without a value means "true".
    assert.deepEqual(mtv.conditions, [{ type: 'annotation', key: 'platform.kubevirt.io/enable-mtv', value: 'true' }]);
    assert.equal(byName.get('hco-golden-config')!.family, 'hco');
  });

  it('parses every condition type, with YAML booleans as annotation values and topology defaulting to true', () => {
    const cat = loadCatalog(catalogDir(metadata));
    const byName = new Map(cat.assets.map((a) => [a.name, a]));
    assert.deepEqual(byName.get('pci-passthrough')!.conditions, [
      { type: 'annotation', key: 'platform.kubevirt.io/enable-pci-passthrough', value: 'true' },
      { type: 'hardware-detection', detector: 'pciDevicesPresent' },
    ]);
    assert.deepEqual(byName.get('descheduler')!.conditions, [
      { type: 'hco-field-unconfigured', path: 'spec.workloadUpdateStrategy' },
      { type: 'feature-gate', gate: 'LoadAware' },
    ]);
    assert.deepEqual(byName.get('nhc')!.conditions, [
      { type: 'topology', fact: 'hasDedicatedWorkers', value: true },
      { type: 'topology', fact: 'singleNode', value: false },
    ]);
  });

  it('accepts an opt-in asset whose opting condition is a feature gate', () => {
    const cat = loadCatalog(
      catalogDir(
        withHco(`
  - name: cpu-manager
    path: machine-config/swap.yaml.tpl
    kind: KubeletConfig
    reconcile_order: 5
    install: opt-in
    conditions:
      - type: feature-gate
        gate: CPUManager
`),
      ),
    );
    assert.deepEqual(
      cat.assets.map((a) => a.name),
      ['hco-golden-config', 'cpu-manager'],
    );
  });
});

describe('loadCatalog: refusals name the file and the asset', () => {
  const base = (extra: string): string =>
    withHco(`
  - name: broken
    path: machine-config/swap.yaml.tpl
    kind: MachineConfig
${extra}`);

  it('refuses an unknown condition type', () => {
    assertRefused(base('    reconcile_order: 10\n    conditions:\n      - type: label\n        key: x\n'), 'broken', /unknown condition type "label"/);
  });

  it('refuses an unknown hardware detector', () => {
    assertRefused(
      base('    reconcile_order: 10\n    conditions:\n      - type: hardware-detection\n        detector: fpgaPresent\n'),
      'broken',
      /unknown detector "fpgaPresent"/,
    );
  });

  it('refuses an unknown topology fact', () => {
    assertRefused(
      base('    reconcile_order: 10\n    conditions:\n      - type: topology\n        fact: isHyperShift\n'),
      'broken',
      /unknown topology fact "isHyperShift"/,
    );
  });

  it('refuses a topology value that is not a boolean', () => {
    assertRefused(
      base('    reconcile_order: 10\n    conditions:\n      - type: topology\n        fact: singleNode\n        value: "no"\n'),
      'broken',
      /"value" must be true or false/,
    );
  });

  it('refuses a condition missing its required field', () => {
    assertRefused(base('    reconcile_order: 10\n    conditions:\n      - type: feature-gate\n'), 'broken', /"gate" must be a non-empty string/);
  });

  it('refuses a template that does not exist', () => {
    assertRefused(
      withHco(`
  - name: ghost
    path: machine-config/ghost.yaml.tpl
    kind: MachineConfig
    reconcile_order: 10
`),
      'ghost',
      /template machine-config\/ghost\.yaml\.tpl does not exist/,
    );
  });

  it('refuses a duplicate asset name', () => {
    assertRefused(
      withHco(`
  - name: swap
    path: machine-config/swap.yaml.tpl
    kind: MachineConfig
    reconcile_order: 10
  - name: swap
    path: machine-config/pci-passthrough.yaml.tpl
    kind: MachineConfig
    reconcile_order: 11
`),
      'swap',
      /duplicate asset name/,
    );
  });

  for (const [label, order] of [
    ['a negative', '-1'],
    ['a non-integer', '1.5'],
    ['a string', '"10"'],
  ] as const) {
    it(`refuses ${label} reconcile_order`, () => {
      assertRefused(base(`    reconcile_order: ${order}\n`), 'broken', /reconcile_order must be an integer/);
    });
  }

  it('refuses a missing reconcile_order', () => {
    assertRefused(base(''), 'broken', /reconcile_order must be an integer/);
  });

  it('refuses reconcile_order 0 for an asset that is not the HyperConverged', () => {
    assertRefused(base('    reconcile_order: 0\n'), 'broken', /reconcile_order 0 is reserved for the HyperConverged asset/);
  });

  it('refuses a HyperConverged asset that is not at reconcile_order 0', () => {
    assertRefused(
      `assets:
  - name: hco-golden-config
    path: hco/golden-config.yaml.tpl
    kind: HyperConverged
    reconcile_order: 3
`,
      'hco-golden-config',
      /must have reconcile_order 0/,
    );
  });

  it('refuses an opt-in asset without an annotation or feature-gate condition', () => {
    assertRefused(
      base('    reconcile_order: 10\n    install: opt-in\n    conditions:\n      - type: hardware-detection\n        detector: gpuPresent\n'),
      'broken',
      /opt-in asset needs an annotation or feature-gate condition/,
    );
  });

  it('refuses an opt-in asset with no conditions at all', () => {
    assertRefused(base('    reconcile_order: 10\n    install: opt-in\n'), 'broken', /opt-in asset needs/);
  });

  it('refuses an unknown install mode', () => {
    assertRefused(base('    reconcile_order: 10\n    install: sometimes\n'), 'broken', /install must be "always" or "opt-in"/);
  });

  it('refuses an unknown field (a typo must not be silently ignored)', () => {
    assertRefused(base('    reconcile_order: 10\n    gateCrd: foo.example.com\n'), 'broken', /unknown field\(s\) gateCrd/);
  });

  it('names the field that replaced "component"', () => {
    assertRefused(base('    reconcile_order: 10\n    component: MachineConfig\n'), 'broken', /the field "component" is now "kind"/);
  });

  it('refuses a path that climbs out of the assets folder', () => {
    assertRefused(
      withHco(`
  - name: escape
    path: ../etc/passwd
    kind: MachineConfig
    reconcile_order: 10
`),
      'escape',
      /path must stay inside the assets folder/,
    );
  });

  it('refuses a path that climbs out through a sub-folder', () => {
    assertRefused(
      withHco(`
  - name: escape
    path: machine-config/../../outside.yaml
    kind: MachineConfig
    reconcile_order: 10
`),
      'escape',
      /path must stay inside the assets folder/,
    );
  });

  it('refuses an absolute path', () => {
    assertRefused(
      withHco(`
  - name: escape
    path: /etc/hostname
    kind: MachineConfig
    reconcile_order: 10
`),
      'escape',
      /path must stay inside the assets folder/,
    );
  });

  it('refuses a name that is not a DNS label', () => {
    assertRefused(
      withHco(`
  - name: Bad_Name
    path: machine-config/swap.yaml.tpl
    kind: MachineConfig
    reconcile_order: 10
`),
      'Bad_Name',
      /name must be lowercase/,
    );
  });

  it('refuses template_params that are not a mapping', () => {
    assertRefused(base('    reconcile_order: 10\n    template_params: [1, 2]\n'), 'broken', /template_params must be a mapping/);
  });

  it('refuses conditions that are not a list', () => {
    assertRefused(base('    reconcile_order: 10\n    conditions:\n      type: annotation\n'), 'broken', /conditions must be a list/);
  });
});

describe('loadCatalog: file-level problems', () => {
  it('refuses a file without an assets list, naming the file', () => {
    const dir = catalogDir('items: []\n');
    assert.throws(
      () => loadCatalog(dir),
      (e: unknown) => e instanceof CatalogError && e.message.includes(join(dir, 'metadata.yaml')) && /top-level "assets" list/.test(e.message),
    );
  });

  it('refuses invalid YAML as a CatalogError naming the file', () => {
    const dir = catalogDir('assets:\n  - name: [unclosed\n');
    assert.throws(
      () => loadCatalog(dir),
      (e: unknown) => e instanceof CatalogError && e.message.startsWith(join(dir, 'metadata.yaml')),
    );
  });

  it('refuses a missing metadata.yaml as a CatalogError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpo-catalog-test-'));
    made.push(dir);
    assert.throws(() => loadCatalog(dir), CatalogError);
  });

  it('refuses an entry that is not a mapping, naming its index', () => {
    const dir = catalogDir('assets:\n  - just-a-string\n');
    assert.throws(
      () => loadCatalog(dir),
      (e: unknown) => e instanceof CatalogError && /assets\[0\] must be a mapping/.test(e.message),
    );
  });
});

describe('loadCatalog: the catalog parsed ahead of time (the image bundle)', () => {
  it('is used while metadata.yaml has the content it was parsed from, and ignored once the file changed', () => {
    const text = withHco('');
    const dir = catalogDir(text);
    // A precompiled document that differs from the file, to tell which one was read.
    const renamed = (yaml.load(text) as { assets: { name: string }[] }).assets.map((a) => ({ ...a, name: 'from-precompiled' }));
    const pre = { sha256: sha256(text), json: JSON.stringify({ assets: renamed }) };
    assert.deepEqual(
      loadCatalog(dir, pre).assets.map((a) => a.name),
      ['from-precompiled'],
    );
    assert.notDeepEqual(
      loadCatalog(dir, { ...pre, sha256: sha256(text + ' ') }).assets.map((a) => a.name),
      ['from-precompiled'],
    );
  });

  it('the bundle parses the packaged metadata.yaml to the same document', () => {
    const source = readFileSync(repoPath('assets', 'metadata.yaml'), 'utf8');
    const m = /sha256: "([0-9a-f]{64})", json: (".*") \};\n$/s.exec(precompiledCatalogModule());
    assert.ok(m, 'the module has the shape loadCatalog reads');
    assert.equal(m[1], sha256(source));
    assert.deepEqual(JSON.parse(JSON.parse(m[2]!) as string), yaml.load(source));
    assert.deepEqual(loadCatalog(repoPath('assets'), { sha256: m[1], json: JSON.parse(m[2]!) as string }), loadCatalog(repoPath('assets'), undefined));
  });
});
