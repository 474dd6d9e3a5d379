import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CrdInfo } from './crd-info.js';
import { objectKey, pathOf, resolveResource } from './resource.js';

const HCO_CRD: CrdInfo = {
  name: 'hyperconvergeds.hco.kubevirt.io',
  group: 'hco.kubevirt.io',
  kind: 'HyperConverged',
  plural: 'hyperconvergeds',
  namespaced: true,
  servedVersions: ['v1beta1', 'v1'],
  storageVersion: 'v1',
  enums: {},
};
const MC_CRD: CrdInfo = {
  name: 'machineconfigs.machineconfiguration.openshift.io',
  group: 'machineconfiguration.openshift.io',
  kind: 'MachineConfig',
  plural: 'machineconfigs',
  namespaced: false,
  servedVersions: ['v1'],
  storageVersion: 'v1',
  enums: {},
};
const crds = new Map([
  [HCO_CRD.name, HCO_CRD],
  [MC_CRD.name, MC_CRD],
]);

describe('resolveResource', () => {
  it('resolves core built-in kinds', () => {
    assert.deepEqual(resolveResource('v1', 'Namespace', new Map()), { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false });
    assert.deepEqual(resolveResource('v1', 'ConfigMap', new Map()), { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true });
  });

  it('resolves grouped built-in kinds', () => {
    assert.deepEqual(resolveResource('apps/v1', 'Deployment', new Map()), {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      plural: 'deployments',
      namespaced: true,
    });
    assert.deepEqual(resolveResource('rbac.authorization.k8s.io/v1', 'ClusterRole', new Map())?.namespaced, false);
  });

  it('does not resolve a built-in kind at an unknown version or group', () => {
    assert.equal(resolveResource('apps/v1beta1', 'Deployment', new Map()), undefined);
    assert.equal(resolveResource('v1', 'Deployment', new Map()), undefined);
  });

  it('resolves a custom kind at any version its CRD serves', () => {
    assert.deepEqual(resolveResource('hco.kubevirt.io/v1', 'HyperConverged', crds), {
      group: 'hco.kubevirt.io',
      version: 'v1',
      kind: 'HyperConverged',
      plural: 'hyperconvergeds',
      namespaced: true,
    });
    assert.equal(resolveResource('hco.kubevirt.io/v1beta1', 'HyperConverged', crds)?.version, 'v1beta1');
    assert.deepEqual(resolveResource('machineconfiguration.openshift.io/v1', 'MachineConfig', crds), {
      group: 'machineconfiguration.openshift.io',
      version: 'v1',
      kind: 'MachineConfig',
      plural: 'machineconfigs',
      namespaced: false,
    });
  });

  it('does not resolve a version the CRD does not serve', () => {
    assert.equal(resolveResource('hco.kubevirt.io/v2', 'HyperConverged', crds), undefined);
  });

  it('does not resolve a custom kind whose CRD is missing, or a kind the CRD does not define', () => {
    assert.equal(resolveResource('forklift.konveyor.io/v1beta1', 'ForkliftController', crds), undefined);
    assert.equal(resolveResource('hco.kubevirt.io/v1', 'SomethingElse', crds), undefined);
    assert.equal(resolveResource('hco.kubevirt.io/v1', 'HyperConverged', new Map()), undefined);
  });

  it('does not resolve a kind of the same name in another group', () => {
    assert.equal(resolveResource('example.com/v1', 'HyperConverged', crds), undefined);
  });
});

describe('objectKey', () => {
  it('names the group ("core" for the core group), kind, namespace and name', () => {
    assert.equal(
      objectKey({ group: 'hco.kubevirt.io', kind: 'HyperConverged' }, 'openshift-cnv', 'kubevirt-hyperconverged'),
      'hco.kubevirt.io/HyperConverged/openshift-cnv/kubevirt-hyperconverged',
    );
    assert.equal(objectKey({ group: '', kind: 'Namespace' }, undefined, 'openshift-mtv'), 'core/Namespace//openshift-mtv');
  });

  it('distinguishes the same name in different kinds, groups or namespaces', () => {
    const keys = new Set([
      objectKey({ group: 'a.io', kind: 'X' }, 'ns', 'n'),
      objectKey({ group: 'b.io', kind: 'X' }, 'ns', 'n'),
      objectKey({ group: 'a.io', kind: 'Y' }, 'ns', 'n'),
      objectKey({ group: 'a.io', kind: 'X' }, 'ns2', 'n'),
      objectKey({ group: 'a.io', kind: 'X' }, undefined, 'n'),
    ]);
    assert.equal(keys.size, 5);
  });
});

describe('pathOf', () => {
  it('builds the object path of a namespaced custom resource', () => {
    const r = resolveResource('hco.kubevirt.io/v1', 'HyperConverged', crds)!;
    assert.equal(
      pathOf(r, { metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv' } }),
      '/apis/hco.kubevirt.io/v1/namespaces/openshift-cnv/hyperconvergeds/kubevirt-hyperconverged',
    );
  });

  it('builds the object path of a core namespaced object', () => {
    const r = resolveResource('v1', 'ConfigMap', crds)!;
    assert.equal(pathOf(r, { metadata: { name: 'cm', namespace: 'ns' } }), '/api/v1/namespaces/ns/configmaps/cm');
  });

  it('ignores a namespace on a cluster-scoped object', () => {
    const mc = resolveResource('machineconfiguration.openshift.io/v1', 'MachineConfig', crds)!;
    assert.equal(pathOf(mc, { metadata: { name: '50-swap', namespace: 'stray' } }), '/apis/machineconfiguration.openshift.io/v1/machineconfigs/50-swap');
    const ns = resolveResource('v1', 'Namespace', crds)!;
    assert.equal(pathOf(ns, { metadata: { name: 'openshift-mtv' } }), '/api/v1/namespaces/openshift-mtv');
  });

  it('URL-encodes the name and namespace', () => {
    const r = resolveResource('v1', 'ConfigMap', crds)!;
    assert.equal(pathOf(r, { metadata: { name: 'a/../b', namespace: 'n s' } }), '/api/v1/namespaces/n%20s/configmaps/a%2F..%2Fb');
  });
});
