import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { repoPath } from '../../scripts/repo.js';
import { loadCatalog, type Asset } from './catalog.js';
import { parseFeatures } from './features.js';

const asset = (name: string, key?: string): Asset => ({
  name,
  path: 'x',
  kind: 'MachineConfig',
  reconcileOrder: 20,
  install: key ? 'opt-in' : 'always',
  family: 'machine-config',
  templateParams: {},
  conditions: key ? [{ type: 'annotation', key, value: 'true' }] : [],
  description: '',
});
const f = (over: Record<string, unknown> = {}) => ({ name: 'f', title: 'F', description: 'd', maturity: 'GA', assets: ['a'], ...over });

describe('catalog features', () => {
  it('the shipped catalog puts every asset in exactly one feature, with a maturity', () => {
    const c = loadCatalog(repoPath('assets'));
    assert.ok(c.features.length >= 15);
    assert.equal(c.features.flatMap((x) => x.assets).length, c.assets.length);
    const logging = c.features.find((x) => x.name === 'logging')!;
    assert.deepEqual(logging.enable, ['platform.kubevirt.io/enable-logging']);
    assert.equal(logging.maturity, 'Dev Preview');
    assert.deepEqual(c.features.find((x) => x.name === 'audit-logging')!.enable, [
      'platform.kubevirt.io/enable-audit-logging',
      'platform.kubevirt.io/enable-logging',
    ]);
    assert.deepEqual(c.features.find((x) => x.name === 'cpu-manager')!.featureGates, ['CPUManager']);
  });

  it('refuses an unknown maturity, an unknown or doubly owned asset, and orphans', () => {
    const assets = [asset('a', 'platform.kubevirt.io/enable-a'), asset('b')];
    assert.throws(() => parseFeatures([f({ maturity: 'Beta' })], assets, 'm'), /maturity must be one of GA, Tech Preview, Dev Preview/);
    assert.throws(() => parseFeatures([f({ assets: ['zz'] })], assets, 'm'), /no asset named "zz"/);
    assert.throws(() => parseFeatures([f({ assets: ['a', 'b'] }), f({ name: 'g', assets: ['b'] })], assets, 'm'), /already belongs to feature "f"/);
    assert.throws(() => parseFeatures([f()], assets, 'm'), /in no feature: b/);
    assert.throws(() => parseFeatures([f({ owner: 'x', assets: ['a', 'b'] })], assets, 'm'), /unknown field\(s\) owner/);
    assert.deepEqual(parseFeatures([f({ assets: ['a', 'b'] })], assets, 'm')[0]!.enable, ['platform.kubevirt.io/enable-a']);
  });
});
