import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Catalog } from '../catalog/catalog.js';
import type { CrdInfo } from '../vocabulary/crd-info.js';
import { declaredResources } from './declared-resources.js';

const crd = (group: string, kind: string, plural: string): [string, CrdInfo] => [
  `${plural}.${group}`,
  { name: `${plural}.${group}`, group, kind, plural, namespaced: true, servedVersions: ['v1'], storageVersion: 'v1', enums: {} },
];
const catalog = (...kinds: string[]): Catalog => ({ assets: kinds.map((kind, i) => ({ name: `a${i}`, kind })) }) as unknown as Catalog;

describe('declaredResources', () => {
  it("watches a catalog kind that one group serves, and the tombstones' and families' kinds", () => {
    const crds = new Map([crd('machineconfiguration.openshift.io', 'MachineConfig', 'machineconfigs'), crd('example.io', 'Widget', 'widgets')]);
    const tomb = [{ file: 'tombstones/x.yaml', object: { apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'old' } } }];
    const got = declaredResources(catalog('MachineConfig', 'ConfigMap'), tomb, [], crds).map((r) => `${r.group}/${r.version}/${r.plural}`);
    assert.deepEqual(got.sort(), ['/v1/configmaps', 'example.io/v1/widgets', 'machineconfiguration.openshift.io/v1/machineconfigs']);
  });

  it('watches no group of a kind several groups serve: the rendered one is watched once the asset renders', () => {
    const crds = new Map([crd('monitoring.coreos.com', 'PrometheusRule', 'prometheusrules'), crd('monitoring.rhobs', 'PrometheusRule', 'prometheusrules')]);
    assert.deepEqual(declaredResources(catalog('PrometheusRule'), [], [], crds), []);
    const family = declaredResources(catalog(), [], [{ group: 'monitoring.coreos.com', kind: 'PrometheusRule' }], crds);
    assert.deepEqual(
      family.map((r) => r.group),
      ['monitoring.coreos.com'],
      'a family names its group',
    );
  });

  it('watches nothing of a kind no installed CRD serves', () => {
    assert.deepEqual(declaredResources(catalog('MachineConfig'), [], [], new Map()), []);
  });
});
