import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { testCluster, type TestCluster } from '../envtest/harness.js';
import { fixtureCrdDir } from '../localcluster/crds.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { readCrdInfos } from './generate.js';
import { BUILTIN_TABLE, mapKind, mapKindByName, MappingError } from './kinds.js';

const crds = readCrdInfos(fixtureCrdDir);

describe('rbac-gen kind → resource mapping', () => {
  it('maps built-in kinds from the table, core and grouped', () => {
    assert.deepEqual(mapKind('v1', 'ConfigMap', crds), {
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      resource: 'configmaps',
      namespaced: true,
      source: 'built-in',
    });
    assert.equal(mapKind('v1', 'Namespace', crds).namespaced, false);
    assert.equal(mapKind('apps/v1', 'DaemonSet', crds).resource, 'daemonsets');
    assert.equal(mapKind('networking.k8s.io/v1', 'NetworkPolicy', crds).resource, 'networkpolicies');
    assert.equal(mapKind('storage.k8s.io/v1', 'StorageClass', crds).namespaced, false);
  });

  it('refuses a built-in kind at a version the API server does not serve', () => {
    assert.throws(
      () => mapKind('apps/v1beta2', 'Deployment', crds),
      (e: unknown) => e instanceof MappingError && /serves Deployment as apps\/v1/.test(e.message),
    );
  });

  it('maps custom kinds through the CRD folder: plural and scope from the CRD, any served version', () => {
    assert.deepEqual(mapKind('machineconfiguration.openshift.io/v1', 'MachineConfig', crds), {
      group: 'machineconfiguration.openshift.io',
      version: 'v1',
      kind: 'MachineConfig',
      resource: 'machineconfigs',
      namespaced: false,
      source: 'machineconfigs.machineconfiguration.openshift.io',
    });
    assert.equal(mapKind('hco.kubevirt.io/v1beta1', 'HyperConverged', crds).resource, 'hyperconvergeds');
    assert.equal(mapKind('aaq.kubevirt.io/v1alpha1', 'AAQ', crds).resource, 'aaqs');
    assert.equal(mapKind('forklift.konveyor.io/v1beta1', 'ForkliftController', crds).namespaced, true);
  });

  it('refuses a custom kind at a version its CRD does not serve', () => {
    assert.throws(
      () => mapKind('forklift.konveyor.io/v1', 'ForkliftController', crds),
      (e: unknown) => e instanceof MappingError && /does not serve v1 \(served: v1beta1\)/.test(e.message),
    );
  });

  it('refuses an unknown kind and says how to fix it', () => {
    assert.throws(
      () => mapKind('example.com/v1', 'Gadget', crds),
      (e: unknown) => e instanceof MappingError && /no CRD for it/.test(e.message) && /rbac-gen\/kinds\.ts/.test(e.message),
    );
  });

  it('maps a kind by name only when it is unambiguous', () => {
    assert.equal(mapKindByName('NodeMaintenance', crds).resource, 'nodemaintenances');
    assert.equal(mapKindByName('ConfigMap', crds).group, '');
    // PrometheusRule exists in monitoring.coreos.com and monitoring.rhobs.
    assert.throws(
      () => mapKindByName('PrometheusRule', crds),
      (e: unknown) => e instanceof MappingError && /ambiguous/.test(e.message),
    );
    assert.throws(() => mapKindByName('Gadget', crds), MappingError);
  });

  it('has no duplicate kind in the built-in table', () => {
    const keys = BUILTIN_TABLE.map((r) => `${r.group}/${r.kind}`);
    assert.deepEqual(
      keys.filter((k, i) => keys.indexOf(k) !== i),
      [],
    );
  });
});

describe('rbac-gen built-in table against the API server discovery', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await testCluster();
  });

  it('names every built-in kind with the plural, version and scope the API server serves', async () => {
    const byGv = new Map<string, { name: string; kind: string; namespaced: boolean }[]>();
    const problems: string[] = [];
    for (const r of BUILTIN_TABLE) {
      const path = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
      let list = byGv.get(path);
      if (!list) {
        list = (await cluster.admin.get<KubeObject & { resources: { name: string; kind: string; namespaced: boolean }[] }>(path)).resources;
        byGv.set(path, list);
      }
      const served = list.find((x) => x.kind === r.kind && !x.name.includes('/'));
      if (!served) problems.push(`${r.kind}: not served at ${path}`);
      else if (served.name !== r.plural || served.namespaced !== r.namespaced) {
        problems.push(`${r.kind}: table says ${r.plural} (namespaced ${r.namespaced}), the API server ${served.name} (namespaced ${served.namespaced})`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
