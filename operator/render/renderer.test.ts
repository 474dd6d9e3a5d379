import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Asset } from '../catalog/catalog.js';
import type { KubeObject } from '../vocabulary/object.js';
import { clusterFacts, renderContext, type ClusterFacts } from './context.js';
import Handlebars from 'handlebars';
import { COMPILE_OPTIONS, RenderError, Renderer, sha256 } from './renderer.js';

const dir = mkdtempSync(join(tmpdir(), 'vpo-render-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
/** Writes a template into the temp assets folder and returns an asset pointing at it. */
function assetFor(source: string, over: Partial<Asset> = {}): Asset {
  const path = `machine-config/t${seq++}.yaml.tpl`;
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), source);
  return {
    name: `asset-${seq}`,
    path,
    kind: 'MachineConfig',
    reconcileOrder: 10,
    install: 'always',
    family: 'machine-config',
    templateParams: { role: 'worker', swap: { limit: '8Gi' } },
    conditions: [],
    description: '',
    ...over,
  };
}

const facts: ClusterFacts = clusterFacts({
  hardware: { pciDevicesPresent: true, numaNodesPresent: false, vfioCapable: true, usbDevicesPresent: false, gpuPresent: false },
  topology: { hasSchedulableMasters: false, hasDedicatedWorkers: true, singleNode: false, nodes: 6, masters: 3, workers: 3 },
  crds: new Map(),
  objectExists: () => false,
});

const hco: KubeObject = {
  apiVersion: 'hco.kubevirt.io/v1',
  kind: 'HyperConverged',
  metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv' },
  spec: {},
};

const renderer = new Renderer(dir);
const render = (a: Asset) => renderer.render(a, renderContext(hco, facts, a), facts);

/** Asserts a RenderError that names the asset and matches `re`. */
function assertRenderError(a: Asset, re: RegExp): void {
  assert.throws(
    () => render(a),
    (e: unknown) => {
      assert.ok(e instanceof RenderError, `expected a RenderError, got ${String(e)}`);
      assert.ok(e.message.includes(a.name), `names the asset: ${e.message}`);
      assert.match(e.message, re);
      return true;
    },
  );
}

const MC = `apiVersion: machineconfiguration.openshift.io/v1
kind: MachineConfig
metadata:
  name: 90-{{params.role}}-swap
  labels:
    machineconfiguration.openshift.io/role: {{params.role}}
spec:
  config:
    ignition:
      version: 3.2.0
{{#if hardware.vfioCapable}}
  kernelArguments:
    - intel_iommu=on
{{/if}}
  note: {{quote namespace}}
  limit: {{params.swap.limit}}
  asset: {{asset.name}}/{{asset.family}}
`;

describe('Renderer.render', () => {
  it('renders one object from the context (params, hardware, namespace, asset)', () => {
    const a = assetFor(MC);
    assert.deepEqual(render(a), {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: '90-worker-swap', labels: { 'machineconfiguration.openshift.io/role': 'worker' } },
      spec: {
        config: { ignition: { version: '3.2.0' } },
        kernelArguments: ['intel_iommu=on'],
        note: 'openshift-cnv',
        limit: '8Gi',
        asset: `${a.name}/machine-config`,
      },
    });
  });

  it('accepts a single document with a leading --- separator', () => {
    const a = assetFor(`---\n${MC}`);
    assert.equal(render(a)?.kind, 'MachineConfig');
  });

  it('is undefined (not applicable) when the template renders empty', () => {
    assert.equal(render(assetFor('')), undefined);
    assert.equal(render(assetFor('\n   \n')), undefined);
    assert.equal(render(assetFor('{{#if hardware.gpuPresent}}\n' + MC + '{{/if}}\n')), undefined);
    assert.equal(render(assetFor('# only a comment\n---\n')), undefined);
  });

  it('a template may say why it renders nothing ({{notApplicable}}); a bare empty render has no reason', () => {
    const a = assetFor('{{#if hardware.gpuPresent}}\n' + MC + '{{else}}{{notApplicable "no GPU on any node"}}{{/if}}\n');
    assert.deepEqual(renderer.renderOutcome(a, renderContext(hco, facts, a), facts), { reason: 'no GPU on any node' });
    assert.equal(render(a), undefined);
    assert.deepEqual(renderer.renderOutcome(assetFor(''), renderContext(hco, facts, a), facts), {});
    const withGpu = { ...facts, hardware: { ...facts.hardware, gpuPresent: true } };
    assert.equal(renderer.renderOutcome(a, renderContext(hco, withGpu, a), withGpu).object?.kind, 'MachineConfig');
  });

  it('refuses two documents', () => {
    assertRenderError(assetFor(`${MC}---\n${MC}`), /produced 2 objects/);
  });

  it('refuses a kind other than the catalog component', () => {
    assertRenderError(assetFor(MC, { kind: 'KubeletConfig' }), /produced kind MachineConfig, the catalog says KubeletConfig/);
  });

  it('refuses invalid YAML', () => {
    assertRenderError(assetFor('kind: MachineConfig\nmetadata: {name: [unclosed\n'), /invalid YAML/);
    assertRenderError(assetFor('kind: MachineConfig\n  bad: indentation\n'), /invalid YAML/);
  });

  it('refuses duplicate keys (a value rendered unquoted cannot silently override a field)', () => {
    assertRenderError(assetFor('apiVersion: v1\nkind: MachineConfig\nmetadata:\n  name: x\n  name: y\n'), /invalid YAML/);
  });

  it('refuses a document that is not a mapping', () => {
    assertRenderError(assetFor('- a\n- b\n'), /did not produce a mapping/);
    assertRenderError(assetFor('just a string\n'), /did not produce a mapping/);
  });

  it('refuses an object without apiVersion or metadata.name', () => {
    assertRenderError(assetFor('kind: MachineConfig\nmetadata:\n  name: x\n'), /needs apiVersion and metadata\.name/);
    assertRenderError(assetFor('apiVersion: v1\nkind: MachineConfig\nmetadata: {}\n'), /needs apiVersion and metadata\.name/);
  });

  it('turns a throwing template into a RenderError naming the asset and the template', () => {
    const a = assetFor('kind: {{noSuchHelper "x"}}\n');
    assertRenderError(a, /noSuchHelper/);
    assert.throws(
      () => render(a),
      (e: unknown) => e instanceof RenderError && e.message.includes(a.path),
    );
  });

  it('turns a Handlebars syntax error into a RenderError', () => {
    assertRenderError(assetFor('kind: {{#if x}}unclosed\n'), /failed/);
  });

  it('a missing field renders empty rather than failing (strict off)', () => {
    const a = assetFor('apiVersion: v1\nkind: MachineConfig\nmetadata:\n  name: x{{hco.spec.nothing.here}}\n');
    assert.equal(render(a)?.metadata?.name, 'x');
  });

  it('does not HTML-escape values', () => {
    const a = assetFor(`apiVersion: v1\nkind: MachineConfig\nmetadata:\n  name: x\nspec:\n  v: {{params.s}}\n`, { templateParams: { s: "a&b<c>'d'" } });
    assert.equal((render(a)?.spec as { v: string }).v, "a&b<c>'d'");
  });

  it('parses a text it rendered before only once: the same frozen object; a new text is parsed anew', () => {
    const a = assetFor(`apiVersion: v1\nkind: MachineConfig\nmetadata:\n  name: x\nspec:\n  role: {{params.role}}\n  n: [1]\n`);
    const first = render(a)!;
    assert.equal(render(a), first, 'the same object for the same text');
    assert.ok(Object.isFrozen(first) && Object.isFrozen((first.spec as { n: number[] }).n), 'frozen, nested arrays too');
    assert.throws(() => ((first.spec as { n: number[] }).n[0] = 2), TypeError, 'a reader cannot change it for the next pass');
    const other = { ...a, templateParams: { role: 'master' } };
    const second = renderer.render(other, renderContext(hco, facts, other), facts)!;
    assert.notEqual(second, first);
    assert.equal((second.spec as { role: string }).role, 'master');
  });

  it('renderText returns the raw text', () => {
    const a = assetFor('hello {{params.role}}\n');
    assert.equal(renderer.renderText(a, renderContext(hco, facts, a), facts), 'hello worker\n');
  });
});

/** What scripts/image-bundle.ts embeds: the precompiler's output is the JS source of an object literal. */
function precompiled(source: string): TemplateSpecification {
  const js = Handlebars.precompile(source, COMPILE_OPTIONS) as unknown as string;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating that source is what loading the bundle does
  return (new Function(`return ${js}`) as () => TemplateSpecification)();
}

describe('Renderer with precompiled templates (the image bundle)', () => {
  const text = (r: Renderer, a: Asset): string => r.renderText(a, renderContext(hco, facts, a), facts);

  it('renders exactly what the compiler renders, from the precompiled spec', () => {
    const a = assetFor(MC);
    const pre = new Renderer(dir, { [a.path]: { sha256: sha256(MC), spec: precompiled(MC) } });
    assert.equal(text(pre, a), text(new Renderer(dir), a));
  });

  it('compiles the file instead when its content is not what was precompiled', () => {
    const a = assetFor(MC.replace('90-{{params.role}}-swap', '91-{{params.role}}-edited'));
    const pre = new Renderer(dir, { [a.path]: { sha256: sha256(MC), spec: precompiled(MC) } });
    assert.match(text(pre, a), /name: 91-worker-edited/);
  });
});
