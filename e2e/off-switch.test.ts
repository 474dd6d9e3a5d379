// The off-switch against the real API server (issue 14): an asset turned off by a deliberate change
// removes what the operator created and releases what it adopted; nothing is pruned while the
// operator is idle, the HCO is gone, or the object is unmanaged; a restart in the middle loses no
// ownership; a MachineConfig removal waits for its pool; explain says what would go. Each test has
// its own HCO namespace (and MachineConfigPool), so the file runs beside the others.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { explainCommand } from '../operator/cli/explain-command.js';
import { WORLD } from '../operator/controller/reconciler.js';
import type { PoolProjection } from '../operator/families/machine-config/pool.js';
import { isOperatorManager } from '../operator/kube/prune-requests.js';
import { ANNOTATIONS, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../operator/vocabulary/annotations.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { repoPath } from '../scripts/repo.js';
import { testCluster, uniqueName } from '../envtest/harness.js';
import { eventsFor, eventually, startOperator, type OperatorFixture } from './support/operator-fixture.js';

const ASSETS = repoPath('e2e', 'fixtures', 'offswitch-assets');
const MCO = '/apis/machineconfiguration.openshift.io/v1';
const ON = { 'platform.kubevirt.io/autopilot': 'true', 'platform.kubevirt.io/enable-made': 'true', 'platform.kubevirt.io/enable-found': 'true' };

const cmPath = (f: OperatorFixture, name: string): string => `/api/v1/namespaces/${f.ns}/configmaps/offswitch-${name}`;
const read = (f: OperatorFixture, name: string): Promise<KubeObject | undefined> => f.cluster.admin.getOrUndefined(cmPath(f, name));
/** Gone, or deletion started (envtest runs no garbage collector to finish a foreground deletion). */
const removed = async (f: OperatorFixture, name: string): Promise<boolean> => {
  const o = await read(f, name);
  return !o || Boolean(o.metadata?.deletionTimestamp);
};
const managed = (o: KubeObject | undefined): boolean => o?.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
const reasonsOf = async (f: OperatorFixture, name: string): Promise<string[]> =>
  (await eventsFor(f.cluster.admin, 'ConfigMap', `offswitch-${name}`, f.ns)).map((e) => e.reason);
const setHco = (f: OperatorFixture, annotations: Record<string, string | null>): Promise<unknown> =>
  f.cluster.admin.mergePatch(f.hcoPath, { metadata: { annotations } }, 'test-admin');

async function worldPass(f: OperatorFixture): Promise<void> {
  const passes = f.operator.reconciler.worldPasses;
  f.operator.reconciler.queue.add(WORLD);
  await eventually('a world pass', () => f.operator.reconciler.worldPasses > passes);
  await f.operator.settle();
}

/** The "found" ConfigMap as an admin made it before the operator, then the operator started. */
async function startWithFound(annotations: Record<string, string> = ON, extra = {}): Promise<OperatorFixture> {
  const cluster = await testCluster();
  const ns = uniqueName('off');
  await cluster.admin.create('/api/v1/namespaces', { metadata: { name: ns } });
  await cluster.admin.create(
    `/api/v1/namespaces/${ns}/configmaps`,
    { metadata: { name: 'offswitch-found' }, data: { asset: 'mine', extra: 'kept' } },
    { fieldManager: 'admin-tool' },
  );
  return startOperator(ASSETS, annotations, extra, ns);
}

describe('off-switch (real API server)', () => {
  const fixtures: OperatorFixture[] = [];
  const start = async (annotations: Record<string, string> = ON, extra = {}): Promise<OperatorFixture> => {
    const f = await startWithFound(annotations, extra);
    fixtures.push(f);
    await eventually('the assets applied', async () => managed(await read(f, 'found')) || !annotations['platform.kubevirt.io/enable-found']);
    return f;
  };
  after(async () => {
    for (const f of fixtures) await f.stop();
  });

  it('created object deleted on opt-out (foreground, uid precondition): AssetRemoved, counted; the steady state after is silent', async () => {
    const f = await start();
    const made = await read(f, 'made');
    assert.equal(made?.metadata?.annotations?.[ANNOTATIONS.ownership], 'created');
    assert.equal(made?.metadata?.annotations?.[ANNOTATIONS.asset], 'made');
    await setHco(f, { 'platform.kubevirt.io/enable-made': null });
    await eventually('made removed', () => removed(f, 'made'));
    const going = await read(f, 'made');
    if (going) assert.deepEqual(going.metadata?.finalizers, ['foregroundDeletion'], 'a foreground deletion');
    await eventually('AssetRemoved', async () => (await reasonsOf(f, 'made')).includes('AssetRemoved'));
    assert.match(await f.operator.metrics.text(), /virt_platform_pruned_objects_total\{asset="made",action="removed"\} 1/);
    assert.ok(managed(await read(f, 'found')), 'the other asset is untouched');
    await worldPass(f); // the configuration converged anew (ReconcileSucceeded): a transition
    await f.operator.events.flush();
    f.requests.clear();
    await worldPass(f);
    await f.operator.events.flush();
    assert.deepEqual(
      [...f.requests.entries()].filter(([verb]) => verb !== 'watch' && verb !== 'list'),
      [],
      'no request once nothing changed',
    );
    assert.deepEqual(
      (await reasonsOf(f, 'made')).filter((r) => r === 'AssetRemoved'),
      ['AssetRemoved'],
      'said once',
    );
  });

  it('adopted object released on opt-out: label, markers and the operator managedFields entry gone, content unchanged; AssetReleased', async () => {
    const f = await start();
    const adopted = await read(f, 'found');
    assert.equal(adopted?.metadata?.annotations?.[ANNOTATIONS.ownership], 'adopted');
    await setHco(f, { 'platform.kubevirt.io/enable-found': 'false' });
    await eventually('found released', async () => !managed(await read(f, 'found')));
    const released = (await read(f, 'found'))!;
    assert.equal(released.metadata?.deletionTimestamp, undefined, 'never deleted');
    assert.deepEqual(released.data, adopted?.data, 'content as the operator left it');
    assert.equal(released.metadata?.annotations?.[ANNOTATIONS.ownership], undefined);
    assert.equal(released.metadata?.annotations?.[ANNOTATIONS.asset], undefined);
    assert.deepEqual((released.metadata?.managedFields ?? []).map((e) => e.manager).filter(isOperatorManager), [], 'no managedFields entry of the operator');
    await eventually('AssetReleased', async () => (await reasonsOf(f, 'found')).includes('AssetReleased'));
    assert.match(await f.operator.metrics.text(), /virt_platform_pruned_objects_total\{asset="found",action="released"\} 1/);
    await worldPass(f);
    assert.equal((await read(f, 'found'))?.metadata?.resourceVersion, released.metadata?.resourceVersion, 'left alone after');
  });

  it('the allowlist no longer naming it (not while it names something unknown: a typo), disabled-resources now matching it, and an HCO setting (after the hold-down) are decided offs', async () => {
    const f = await start({ ...ON, 'platform.kubevirt.io/autopilot': 'made,found,setting' }, { pruneHoldDownMs: 1500 });
    assert.ok(managed(await read(f, 'setting')));
    // A typo in the list (it names what no asset is) turns nothing off: it is said, and fixed first.
    await setHco(f, { 'platform.kubevirt.io/autopilot': 'found,setting,mdae' });
    await eventually('the typo reported', () => /a typo must not turn anything off/.test(f.operator.reconciler.reports.get('made')?.message ?? ''));
    await worldPass(f);
    assert.ok(managed(await read(f, 'made')) && !(await removed(f, 'made')), 'a typo deletes nothing');
    await setHco(f, { 'platform.kubevirt.io/autopilot': 'found,setting' });
    await eventually('made removed (allowlist)', () => removed(f, 'made'));
    await setHco(f, { [ANNOTATIONS.disabledResources]: `ConfigMap/${f.ns}/offswitch-found` });
    await eventually('found released (disabled-resources)', async () => !managed(await read(f, 'found')));
    await setHco(f, { 'test.offswitch/no-setting': 'true' });
    await f.operator.settle();
    assert.ok(!(await removed(f, 'setting')), 'an empty render waits for the hold-down (templates read facts too)');
    assert.match(
      f.operator.reconciler.reports.get('setting')?.message ?? '',
      /would remove ConfigMap .*offswitch-setting once this has held for the hold-down/,
    );
    await eventually('setting removed after the hold-down', () => removed(f, 'setting'));
  });

  it('no prune while idle (autopilot absent) or with the HCO gone', async () => {
    const f = await start();
    await setHco(f, { 'platform.kubevirt.io/autopilot': null });
    await worldPass(f);
    assert.ok(managed(await read(f, 'made')) && !(await removed(f, 'made')), 'idle means hands off');
    assert.ok(managed(await read(f, 'found')));
    await setHco(f, { 'platform.kubevirt.io/autopilot': 'true' });
    await f.operator.settle();
    await f.cluster.admin.delete(f.hcoPath);
    await eventually('the HCO gone from the cache', () => f.operator.cache.hco() === undefined);
    await worldPass(f);
    assert.ok(managed(await read(f, 'made')) && !(await removed(f, 'made')), 'no HCO: nothing decided');
    assert.ok(managed(await read(f, 'found')));
  });

  it('mode: unmanaged and reconcile-paused objects are never pruned', async () => {
    const f = await start();
    await f.cluster.admin.mergePatch(cmPath(f, 'made'), { metadata: { annotations: { [ANNOTATIONS.mode]: 'unmanaged' } } }, 'test-admin');
    await f.cluster.admin.mergePatch(cmPath(f, 'found'), { metadata: { annotations: { [ANNOTATIONS.reconcilePaused]: 'true' } } }, 'test-admin');
    await f.operator.settle();
    await setHco(f, { 'platform.kubevirt.io/enable-made': null, 'platform.kubevirt.io/enable-found': null });
    await worldPass(f);
    assert.ok(managed(await read(f, 'made')) && !(await removed(f, 'made')), 'unmanaged: left alone');
    assert.ok(managed(await read(f, 'found')), 'paused: left alone');
    // The same objects go once the user gives them back: the test can fail.
    await f.cluster.admin.mergePatch(cmPath(f, 'made'), { metadata: { annotations: { [ANNOTATIONS.mode]: null } } }, 'test-admin');
    await eventually('made removed once managed again', () => removed(f, 'made'));
  });

  it('restart in the middle: what was created and what was adopted is read back from the cluster', async () => {
    const f = await start();
    await f.restart({}, () => setHco(f, { 'platform.kubevirt.io/enable-made': null, 'platform.kubevirt.io/enable-found': null }).then(() => undefined));
    await eventually('made removed by the new process', () => removed(f, 'made'));
    await eventually('found released by the new process', async () => !managed(await read(f, 'found')));
    const found = await read(f, 'found');
    assert.equal(found?.metadata?.deletionTimestamp, undefined, 'adopted: never deleted');
    assert.deepEqual(found?.data, { asset: 'found', extra: 'kept' });
  });

  it('explain shows "would remove" and "would release" with the reason', async () => {
    const f = await start();
    await f.restart({}, async () => {
      await setHco(f, { 'platform.kubevirt.io/enable-made': null, 'platform.kubevirt.io/enable-found': 'false' });
      const out = await explainCommand(['--kubeconfig', f.cluster.kubeconfigPath, '--namespace', f.ns, '--assets-dir', ASSETS, '--output', 'json']);
      const rows = JSON.parse(out.stdout) as { asset: string; message: string }[];
      const row = (a: string): string => rows.find((r) => r.asset === a)?.message ?? '';
      assert.match(row('made'), new RegExp(`^would remove ConfigMap ${f.ns}/offswitch-made: annotation platform.kubevirt.io/enable-made is not "true"`));
      assert.match(row('found'), new RegExp(`^would release ConfigMap ${f.ns}/offswitch-found: annotation platform.kubevirt.io/enable-found is not "true"`));
      assert.ok(managed(await read(f, 'made')) && !(await removed(f, 'made')), 'explain writes nothing');
    });
  });

  it('MachineConfig and KubeletConfig removals wait for their pool (held while Updating), then go in one batch', async () => {
    const cluster = await testCluster();
    const ns = uniqueName('offmc');
    const pool = `${MCO}/machineconfigpools/${ns}`;
    const mc = `${MCO}/machineconfigs/90-${ns}-offswitch`;
    const kc = `${MCO}/kubeletconfigs/offswitch-${ns}-kubelet`;
    const gone = async (path: string): Promise<boolean> => {
      const o = await cluster.admin.getOrUndefined(path);
      return !o || Boolean(o.metadata?.deletionTimestamp);
    };
    const status = (s: { updating: boolean; configuration: string }): Record<string, unknown> => ({
      configuration: { name: s.configuration },
      machineCount: 2,
      updatedMachineCount: s.updating ? 1 : 2,
      readyMachineCount: 2,
      degradedMachineCount: 0,
      conditions: [
        { type: 'Updated', status: s.updating ? 'False' : 'True', reason: '', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'Updating', status: s.updating ? 'True' : 'False', reason: '', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'Degraded', status: 'False', reason: '', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' },
      ],
    });
    const setPool = (s: { updating: boolean; configuration: string }): Promise<unknown> =>
      cluster.admin.mergePatch(`${pool}/status`, { status: status(s) }, 'test-mco');
    await cluster.admin.create(`${MCO}/machineconfigpools`, {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: ns, labels: { [`pools.operator.machineconfiguration.openshift.io/${ns}`]: '' } },
      spec: { machineConfigSelector: { matchLabels: { 'machineconfiguration.openshift.io/role': ns } } },
    });
    await setPool({ updating: false, configuration: 'rendered-1' });
    const f = await startOperator(ASSETS, { 'platform.kubevirt.io/autopilot': 'true', 'platform.kubevirt.io/enable-mc': 'true' }, {}, ns);
    fixtures.push(f);
    try {
      await eventually(
        'the MachineConfig and KubeletConfig created',
        async () => managed(await cluster.admin.getOrUndefined(mc)) && managed(await cluster.admin.getOrUndefined(kc)),
      );
      await setPool({ updating: false, configuration: 'rendered-2' }); // the MCO rolled our batch out
      await setPool({ updating: true, configuration: 'rendered-2' });
      await eventually('the pool seen Updating', () =>
        f.operator.cache
          .observed<PoolProjection>('machineconfigpools')
          .list()
          .some((p) => p.name === ns && p.conditions.Updating?.status === 'True'),
      );
      await setHco(f, { 'platform.kubevirt.io/enable-mc': null });
      await eventually('removals held', () => ['mc', 'kc'].every((a) => f.operator.reconciler.reports.get(a)?.status === 'held'));
      assert.match(
        f.operator.reconciler.reports.get('mc')?.message ?? '',
        new RegExp(`^removal of MachineConfig 90-${ns}-offswitch held: pool ${ns} is Updating`),
      );
      assert.match(
        f.operator.reconciler.reports.get('kc')?.message ?? '',
        new RegExp(`^removal of KubeletConfig offswitch-${ns}-kubelet held: pool ${ns} is Updating`),
      );
      assert.ok(!(await gone(mc)) && !(await gone(kc)), 'not deleted while the pool updates');
      await setPool({ updating: false, configuration: 'rendered-3' });
      // Both in one batch: a removal written in a later pass would wait for the pool to settle after
      // the first (a new rendered config that never comes here), and this would time out.
      await eventually('both removed once the pool is Updated', async () => (await gone(mc)) && (await gone(kc)));
      await eventually('RolloutHeld then AssetRemoved on the MachineConfig', async () => {
        const said = (await eventsFor(cluster.admin, 'MachineConfig', `90-${ns}-offswitch`)).map((e) => e.reason);
        return said.includes('RolloutHeld') && said.includes('AssetRemoved');
      });
    } finally {
      // No garbage collector here finishes the foreground deletion: let it go.
      for (const p of [mc, kc]) {
        await cluster.admin.mergePatch(p, { metadata: { finalizers: null } }, 'test-admin').catch(() => undefined);
        await cluster.admin.delete(p).catch(() => undefined);
      }
      await cluster.admin.delete(pool).catch(() => undefined);
    }
  });
});
