import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fixtureCrdDir } from '../localcluster/crds.js';
import { loadCatalog } from '../operator/catalog/catalog.js';
import { allOptIns, collectKinds, factsSatisfying, hcoSatisfying } from './collect.js';
import { generateRole, readCrdInfos } from './generate.js';
import { METADATA, TEMPLATES, writeAssets } from './test-assets.js';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const crds = new Map(readCrdInfos(fixtureCrdDir).map((c) => [c.name, c]));

describe('rbac-gen: rendering every asset with every condition satisfied', () => {
  it('builds an HCO with every opt-in annotation and feature gate the catalog names', () => {
    const catalog = loadCatalog(writeAssets(made));
    assert.deepEqual(allOptIns(catalog), {
      annotations: { 'platform.kubevirt.io/enable-mtv': 'true', 'platform.kubevirt.io/enable-node-maintenance': 'true' },
      featureGates: ['CPUManager'],
    });
    const hco = hcoSatisfying(catalog, undefined);
    assert.equal(hco.metadata?.annotations?.['platform.kubevirt.io/autopilot'], 'true');
    assert.deepEqual(hco.spec, { featureGates: [{ name: 'CPUManager', state: 'Enabled' }] });
  });

  it('gives each asset the topology it asks for, even a "false" one, and every detector', () => {
    const catalog = loadCatalog(writeAssets(made));
    const gpu = catalog.assets.find((a) => a.name === 'gpu-tuning')!;
    const f = factsSatisfying(gpu, crds);
    assert.equal(f.topology.singleNode, false);
    assert.equal(f.topology.hasSchedulableMasters, true);
    assert.ok(Object.values(f.hardware).every(Boolean));
    assert.equal(factsSatisfying(undefined, crds).topology.singleNode, true);
  });

  it('collects the rendered apiVersion/kind of every asset and every tombstone', async () => {
    const c = await collectKinds(writeAssets(made), crds);
    assert.deepEqual(
      c.managed.map((u) => `${'asset' in u.by ? u.by.asset : ''} ${u.apiVersion} ${u.kind}${u.fromCatalogOnly ? ' (catalog)' : ''}`),
      [
        'hco-golden hco.kubevirt.io/v1 HyperConverged',
        'settings v1 ConfigMap',
        'cpu-manager machineconfiguration.openshift.io/v1 KubeletConfig',
        'gpu-tuning machineconfiguration.openshift.io/v1 MachineConfig',
        'kubelet-perf machineconfiguration.openshift.io/v1 KubeletConfig',
        'maintenance  NodeMaintenance (catalog)',
        'mtv forklift.konveyor.io/v1beta1 ForkliftController',
      ],
    );
    assert.deepEqual(
      c.tombstones.map((u) => `${'tombstone' in u.by ? u.by.tombstone : ''} ${u.kind}`),
      ['tombstones/old-machine-configs.yaml MachineConfig', 'tombstones/old-machine-configs.yaml NodeHealthCheck', 'tombstones/old-settings.yaml ConfigMap'],
    );
    assert.equal(c.notes.length, 1);
    assert.match(c.notes[0]!, /1 asset\(s\) rendered nothing.*: maintenance \(NodeMaintenance\)$/);
    assert.equal(c.objects.get('mtv')?.metadata?.namespace, 'openshift-mtv');
  });

  it("also renders with only the asset's own opt-ins, for templates that give way to another opt-in", async () => {
    const catalog = loadCatalog(writeAssets(made));
    const perf = catalog.assets.find((a) => a.name === 'kubelet-perf')!;
    assert.deepEqual(hcoSatisfying(catalog, perf, 'own').spec, { featureGates: [] });
    const cpu = catalog.assets.find((a) => a.name === 'cpu-manager')!;
    assert.deepEqual(hcoSatisfying(catalog, cpu, 'own').spec, { featureGates: [{ name: 'CPUManager', state: 'Enabled' }] });
    const c = await collectKinds(writeAssets(made), crds);
    assert.equal(c.objects.get('kubelet-perf')?.metadata?.name, 'virt-platform-perf');
  });

  it('later assets see the HCO as the golden config leaves it', async () => {
    const c = await collectKinds(writeAssets(made), crds);
    assert.deepEqual(c.objects.get('settings')?.data, { migrations: '5' });
  });

  it('fails, naming the asset, when a template is broken', async () => {
    const dir = writeAssets(made, METADATA, { ...TEMPLATES, 'operators/settings.yaml.hbs': 'apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n' });
    await assert.rejects(collectKinds(dir, crds), /asset settings: failed \(RenderFailed\).*kind Secret, the catalog says ConfigMap/);
  });

  it('works without a tombstones folder', async () => {
    const c = await collectKinds(writeAssets(made, METADATA, TEMPLATES, null), crds);
    assert.deepEqual(c.tombstones, []);
  });

  it('generates the same role whichever CRD folder gives the plurals (fixtures or $CRD_DIR)', async (t) => {
    if (!process.env.CRD_DIR) {
      t.skip('CRD_DIR is not set: only the fixture CRDs are here');
      return;
    }
    const dir = writeAssets(made);
    const a = await generateRole({ assetsDir: dir, crdDir: fixtureCrdDir });
    const b = await generateRole({ assetsDir: dir, crdDir: process.env.CRD_DIR });
    assert.equal(a.yaml, b.yaml);
  });
});
