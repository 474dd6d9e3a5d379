// The off-switch's "never on uncertainty" cases that touch the whole cluster, so serial: a hardware
// label that disappears and comes back within the hold-down prunes nothing (and one that stays away
// prunes, after the hold-down); a gate CRD that goes away prunes nothing; an operator with a cache
// not synced (the MachineConfigPool list fails behind a fault proxy) prunes nothing until it has.
// And the release command, which hands back every managed object of the cluster.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { testCluster, uniqueName } from '../envtest/harness.js';
import { tokenKubeconfig } from '../localcluster/controlplane.js';
import { installCrds, loadCrds, uninstallCrds } from '../localcluster/crds.js';
import { WORLD } from '../operator/controller/reconciler.js';
import { KubeClient } from '../operator/kube/client.js';
import { Operator } from '../operator/operator.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../operator/vocabulary/annotations.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { repoPath } from '../scripts/repo.js';
import { FaultProxy } from './support/fault-proxy.js';
import { releaseCommand } from '../operator/cli/release-command.js';
import { isOperatorManager } from '../operator/kube/prune-requests.js';
import { eventually, hcoObject, sleep, startOperator, type OperatorFixture } from './support/operator-fixture.js';

const ASSETS = repoPath('e2e', 'fixtures', 'offswitch-assets');
const NODE = 'vpo-offswitch-pci-0';
const PCI = 'feature.node.kubernetes.io/pci-0302_10de.present';
const WIDGETS = 'widgets.test.platform.kubevirt.io';
const HOLD_DOWN_MS = 3000;
const MCO = '/apis/machineconfiguration.openshift.io/v1';

const cmPath = (ns: string, name: string): string => `/api/v1/namespaces/${ns}/configmaps/offswitch-${name}`;
const managed = (o: KubeObject | undefined): boolean => o?.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && !o.metadata?.deletionTimestamp;
const removed = (o: KubeObject | undefined): boolean => !o || Boolean(o.metadata?.deletionTimestamp);

const read = (f: OperatorFixture, name: string): Promise<KubeObject | undefined> => f.cluster.admin.getOrUndefined(cmPath(f.ns, name));
const setHco = (f: OperatorFixture, annotations: Record<string, string | null>): Promise<unknown> =>
  f.cluster.admin.mergePatch(f.hcoPath, { metadata: { annotations } }, 'test-admin');

async function worldPass(op: Operator): Promise<void> {
  const passes = op.reconciler.worldPasses;
  op.reconciler.queue.add(WORLD);
  await eventually('a world pass', () => op.reconciler.worldPasses > passes);
  await op.settle();
}

describe('off-switch: facts, CRDs and caches (serial: Nodes and CRDs are cluster-wide)', () => {
  let f: OperatorFixture | undefined;
  afterEach(async () => {
    await f?.stop();
    f = undefined;
  });
  after(async () => {
    const cluster = await testCluster();
    await cluster.admin.delete(`/api/v1/nodes/${NODE}`).catch(() => undefined);
    await uninstallCrds(cluster.admin, [WIDGETS]);
  });

  it('a hardware label gone and back within the hold-down prunes nothing; gone for longer, the object goes after the hold-down', async () => {
    const cluster = await testCluster();
    const label = (v: string | null): Promise<unknown> => cluster.admin.mergePatch(`/api/v1/nodes/${NODE}`, { metadata: { labels: { [PCI]: v } } }, 'nfd-test');
    await cluster.admin.create('/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: NODE, labels: { 'node-role.kubernetes.io/worker': '', [PCI]: 'true' } },
    });
    f = await startOperator(ASSETS, { 'platform.kubevirt.io/autopilot': 'true' }, { pruneHoldDownMs: HOLD_DOWN_MS });
    const fx = f;
    const pci = (): Promise<KubeObject | undefined> => cluster.admin.getOrUndefined(cmPath(fx.ns, 'pci'));
    await eventually('pci applied', async () => managed(await pci()));
    // NFD restarts: the label is gone for a second, then back.
    await label(null);
    await eventually('the flip seen', () => fx.operator.reconciler.reports.get('pci')?.status === 'held');
    assert.match(
      fx.operator.reconciler.reports.get('pci')?.message ?? '',
      /^would remove ConfigMap .*offswitch-pci once this has held for the hold-down .*: no node shows pciDevicesPresent/,
    );
    await sleep(1000);
    await label('true');
    await eventually('applying again', () => fx.operator.reconciler.reports.get('pci')?.status === 'in-sync');
    await sleep(HOLD_DOWN_MS + 1500); // past the hold-down counted from the first flip
    await worldPass(fx.operator);
    assert.ok(managed(await pci()), 'a flicker deletes nothing');
    // Gone for good: pruned once the hold-down has passed, not before.
    const gone = Date.now();
    await label(null);
    await eventually('pci removed after the hold-down', async () => removed(await pci()), 20_000);
    assert.ok(Date.now() - gone >= HOLD_DOWN_MS, `removed after ${Date.now() - gone} ms`);
  });

  it('a gate CRD that goes away prunes nothing; a deliberate allowlist change still does', async () => {
    const cluster = await testCluster();
    await installCrds(cluster.admin, loadCrds(repoPath('e2e', 'fixtures', 'late-crd')));
    f = await startOperator(ASSETS, { 'platform.kubevirt.io/autopilot': 'true' });
    const fx = f;
    const gated = (): Promise<KubeObject | undefined> => cluster.admin.getOrUndefined(cmPath(fx.ns, 'gated'));
    await eventually('gated applied', async () => managed(await gated()));
    await uninstallCrds(cluster.admin, [WIDGETS]);
    await eventually('the CRD gone from the cache', () => !fx.operator.cache.establishedCrds().has(WIDGETS));
    await worldPass(fx.operator);
    assert.match(fx.operator.reconciler.reports.get('gated')?.message ?? '', /CRD widgets\.test\.platform\.kubevirt\.io is not installed/);
    assert.ok(managed(await gated()), 'a missing CRD is no decision');
    await fx.cluster.admin.mergePatch(fx.hcoPath, { metadata: { annotations: { 'platform.kubevirt.io/autopilot': 'setting,pci' } } }, 'test-admin');
    await eventually('gated removed (allowlist)', async () => removed(await gated()));
  });

  it('no prune while a cache the decision rests on has not synced (the MachineConfigPool list fails); pruned once it has', async () => {
    const cluster = await testCluster();
    const proxy = new FaultProxy(new URL(cluster.server), {
      cert: readFileSync(cluster.caFile),
      key: readFileSync(join(dirname(cluster.caFile), 'apiserver.key')),
      ca: readFileSync(cluster.caFile),
    });
    await proxy.start();
    const ns = uniqueName('offsync');
    const pool = `${MCO}/machineconfigpools/${ns}`;
    const mcPath = `${MCO}/machineconfigs/90-${ns}-offswitch`;
    await cluster.admin.create(`${MCO}/machineconfigpools`, {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: ns },
      spec: { machineConfigSelector: { matchLabels: { 'machineconfiguration.openshift.io/role': ns } } },
    });
    const condition = (type: string, on: boolean): Record<string, string> => ({
      type,
      status: on ? 'True' : 'False',
      reason: '',
      message: '',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    });
    await cluster.admin.mergePatch(
      `${pool}/status`,
      {
        status: {
          configuration: { name: 'rendered-1' },
          machineCount: 1,
          updatedMachineCount: 1,
          readyMachineCount: 1,
          degradedMachineCount: 0,
          conditions: [condition('Updated', true), condition('Updating', false), condition('Degraded', false)],
        },
      },
      'test-mco',
    );
    await cluster.admin.create('/api/v1/namespaces', { metadata: { name: ns } });
    await cluster.admin.create(
      `/apis/hco.kubevirt.io/v1/namespaces/${ns}/hyperconvergeds`,
      hcoObject(ns, { 'platform.kubevirt.io/autopilot': 'true', 'platform.kubevirt.io/enable-mc': 'true' }),
    );
    const hcoPath = `/apis/hco.kubevirt.io/v1/namespaces/${ns}/hyperconvergeds/${hcoObject(ns, {}).metadata?.name}`;
    const start = async (): Promise<{ op: Operator; client: KubeClient }> => {
      const client = new KubeClient(tokenKubeconfig(proxy.url, cluster.caFile, cluster.adminToken, 'admin'));
      const op = new Operator({ client, assetsDir: ASSETS, hcoNamespace: ns });
      await op.start();
      return { op, client };
    };
    const mc = (): Promise<KubeObject | undefined> => cluster.admin.getOrUndefined(mcPath);
    let run = await start();
    try {
      await eventually('the MachineConfig created', async () => managed(await mc()));
      await run.op.stop();
      run.client.close();
      await cluster.admin.mergePatch(hcoPath, { metadata: { annotations: { 'platform.kubevirt.io/enable-mc': null } } }, 'test-admin');
      // The next process cannot list MachineConfigPools: it cannot know whether the removal would
      // reboot a pool that is busy (with no pool known, it would look like a MachineConfig no pool selects).
      proxy.set([{ fault: { kind: 'status', code: 500 }, match: (r) => r.method === 'GET' && r.path.startsWith(`${MCO}/machineconfigpools`) }]);
      run = await start();
      assert.equal(run.op.ready, false, 'a cache has not synced');
      await worldPass(run.op);
      await sleep(1500);
      await worldPass(run.op);
      assert.ok(
        proxy.seen.some((r) => r.path.startsWith(`${MCO}/machineconfigpools`) && r.fault === 'status'),
        'the list failed',
      );
      assert.ok(managed(await mc()), 'nothing pruned on an unsynced cache');
      proxy.clear();
      await eventually('removed once the caches synced', async () => removed(await mc()), 20_000);
    } finally {
      await run.op.stop();
      run.client.close();
      await proxy.close();
      await cluster.admin.mergePatch(mcPath, { metadata: { finalizers: null } }, 'test-admin').catch(() => undefined);
      await cluster.admin.delete(mcPath).catch(() => undefined);
      await cluster.admin.delete(pool).catch(() => undefined);
    }
  });
  it('release (serial: it releases every managed object of the cluster): dry-run lists them and changes nothing; --confirm releases each, content unchanged, nothing deleted', async () => {
    f = await startOperator(ASSETS, {
      'platform.kubevirt.io/autopilot': 'true',
      'platform.kubevirt.io/enable-made': 'true',
      'platform.kubevirt.io/enable-found': 'true',
    });
    const fx = f;
    await eventually('applied', async () => managed(await read(fx, 'found')));
    await f.restart({}, async () => {
      const objects = ['made', 'found'].map((n) => `ConfigMap ${fx.ns}/offswitch-${n}`);
      const before = await Promise.all(['made', 'found', 'setting'].map((n) => read(fx, n)));
      const dry = await releaseCommand(['--kubeconfig', fx.cluster.kubeconfigPath, '--assets-dir', ASSETS]);
      for (const o of objects) assert.ok(dry.stdout.includes(`would release ${o}\n`), dry.stdout);
      assert.match(dry.stdout, /nothing changed \(dry-run: --confirm to release them\)/);
      assert.ok(managed(await read(fx, 'made')) && managed(await read(fx, 'found')), 'a dry run writes nothing');
      const done = await releaseCommand(['--kubeconfig', fx.cluster.kubeconfigPath, '--assets-dir', ASSETS, '--confirm']);
      for (const o of objects) assert.ok(done.stdout.includes(`released ${o}\n`), done.stdout);
      for (const [i, n] of ['made', 'found', 'setting'].entries()) {
        const after = await read(fx, n);
        assert.ok(after && !after.metadata?.deletionTimestamp, `${n} still there`);
        assert.ok(!managed(after), `${n} released`);
        assert.deepEqual(after.data, before[i]?.data, `${n}: content unchanged`);
        assert.deepEqual((after.metadata?.managedFields ?? []).map((e) => e.manager).filter(isOperatorManager), [], `${n}: no operator managedFields`);
      }
      // Hand the cluster back to the next process (it adopts them again).
      await setHco(fx, { 'platform.kubevirt.io/autopilot': null });
    });
  });
});
