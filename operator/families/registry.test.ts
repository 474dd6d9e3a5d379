// The families as the chain sees them: one handler per family of the catalog, and each family's
// policy at its named points (admit, beforeApply, sourceAfter, context).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCatalog, type Asset } from '../catalog/catalog.js';
import type { Outcome } from '../chain/outcome.js';
import type { Addressed, Drifting } from '../chain/run.js';
import { defaultAssetsDir } from '../paths.js';
import { clusterFacts, type ClusterFacts } from '../render/context.js';
import type { CrdInfo } from '../vocabulary/crd-info.js';
import type { KubeObject } from '../vocabulary/object.js';
import { Families, FAMILY_HANDLERS } from './registry.js';
import type { LabelledNode } from './remediation/min-healthy.js';

const HW = { pciDevicesPresent: false, numaNodesPresent: false, vfioCapable: false, usbDevicesPresent: false, gpuPresent: false };
const TOPO = { hasSchedulableMasters: false, hasDedicatedWorkers: true, singleNode: false, nodes: 0, masters: 0, workers: 0 };
function facts(namespaces: string[], crds: [string, Partial<CrdInfo>][] = []): ClusterFacts {
  return clusterFacts({
    hardware: HW,
    topology: TOPO,
    crds: new Map(crds.map(([n, c]) => [n, { name: n, ...c } as CrdInfo])),
    objectExists: (kind, _ns, name) => kind === 'Namespace' && namespaces.includes(name),
  });
}
const hco: KubeObject = {
  apiVersion: 'hco.kubevirt.io/v1',
  kind: 'HyperConverged',
  metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv' },
  spec: { a: 1 },
};
const run = (family: string, desired: KubeObject, f: ClusterFacts): Addressed =>
  ({ asset: { name: 'x', family } as Asset, hco, facts: f, desired, resource: { namespaced: Boolean(desired.metadata?.namespace) } }) as unknown as Addressed;
const worker = (name: string): LabelledNode & { name: string } => ({
  name,
  labels: { 'node-role.kubernetes.io/worker': '' },
});

describe('family handlers', () => {
  it('every family of the catalog has its handler, and each handler a family', () => {
    const families = new Set(loadCatalog(defaultAssetsDir()).assets.map((a) => a.family));
    assert.deepEqual([...families].sort(), FAMILY_HANDLERS.map((h) => h.name).sort());
  });

  it('operators, remediation and descheduler skip quietly while the operator they configure is not installed', () => {
    const p = new Families().policies;
    const cr = {
      apiVersion: 'forklift.konveyor.io/v1beta1',
      kind: 'ForkliftController',
      metadata: { name: 'forklift-controller', namespace: 'openshift-mtv' },
    };
    for (const family of ['operators', 'remediation', 'descheduler']) {
      assert.deepEqual(
        p(family).admit?.(run(family, cr, facts([]))),
        { status: 'skipped', message: 'namespace openshift-mtv does not exist (the operator it configures is not installed)' },
        family,
      );
      assert.equal(p(family).admit?.(run(family, cr, facts(['openshift-mtv']))), undefined, family);
    }
    assert.equal(p('machine-config').admit, undefined);
  });

  it('hco: later assets render from the HCO read back (cluster) or as the golden config leaves it (offline)', () => {
    const p = new Families().policies('hco');
    const applied = { ...hco, spec: { a: 2 } };
    assert.equal(
      p.sourceAfter?.(hco, { status: 'updated', message: '' }, () => applied),
      applied,
    );
    const offline: Outcome = { status: 'rendered', message: '', subject: { desired: { ...hco, spec: { b: 3 } }, customizations: [] } };
    assert.deepEqual(p.sourceAfter?.(hco, offline, undefined)?.spec, { a: 1, b: 3 });
    assert.equal(new Families().policies('operators').sourceAfter, undefined);
  });

  it('descheduler: the best profile the installed CRD offers; machine-config: PSI only once the descheduler is installed', () => {
    const p = new Families().policies;
    const crd = (profiles: string[]): [string, Partial<CrdInfo>] => [
      'kubedeschedulers.operator.openshift.io',
      { storageVersion: 'v1', enums: { v1: { 'spec.profiles': profiles } } },
    ];
    assert.deepEqual(p('descheduler').context?.(hco, facts([], [crd(['LongLifecycle', 'DevKubeVirtRelieveAndMigrate'])])), {
      profile: 'DevKubeVirtRelieveAndMigrate',
    });
    assert.deepEqual(p('descheduler').context?.(hco, facts([], [crd(['AffinityAndTaints'])])), { profile: '' });
    assert.deepEqual(p('machine-config').context?.(hco, facts(['openshift-kube-descheduler-operator'], [crd([])])), { deschedulerInstalled: true });
    assert.deepEqual(p('machine-config').context?.(hco, facts([], [crd([])])), { deschedulerInstalled: false });
  });

  it('remediation: no NodeHealthCheck where too few nodes are selected for minHealthy to allow a remediation', async () => {
    let nodes = [worker('w-0'), worker('w-1')];
    const fam = new Families(undefined, {
      observed: () => ({ installed: false, synced: false, list: () => [] }),
      now: () => 0,
      settleTimeoutMs: 1,
      nodes: () => nodes,
    });
    const nhc = {
      apiVersion: 'remediation.medik8s.io/v1alpha1',
      kind: 'NodeHealthCheck',
      metadata: { name: 'n' },
      spec: { selector: { matchExpressions: [{ key: 'node-role.kubernetes.io/worker', operator: 'Exists' }] }, minHealthy: '51%' },
    };
    const r = { ...run('remediation', nhc, facts([])), live: undefined, drift: [] } as unknown as Drifting;
    const held = await fam.policies('remediation').beforeApply?.check(r);
    assert.equal(held?.status, 'skipped');
    assert.match(held?.message ?? '', /selects 2 nodes and needs 2 healthy/);
    nodes = [...nodes, worker('w-2')];
    assert.equal(await fam.policies('remediation').beforeApply?.check(r), undefined);
  });
});
