// The Patched Baseline chain against the real API server: create, drift repair, user patch,
// ignore-fields, unmanaged, root exclusion, opt-in, hostile patches, throttling and the pause
// annotation, and a silent steady state.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MANAGED_BY_LABEL } from '../operator/vocabulary/annotations.js';
import { conditional } from '../operator/chain/drift-step.js';
import { WORLD } from '../operator/controller/reconciler.js';
import { isStatus } from '../operator/kube/errors.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { repoPath } from '../scripts/repo.js';
import { eventsFor, eventually, reasons, sleep, startOperator, type OperatorFixture } from './support/operator-fixture.js';

const ASSETS = repoPath('e2e', 'fixtures', 'engine-assets');
const AUTOPILOT = { 'platform.kubevirt.io/autopilot': 'true' };

const cmPath = (ns: string, name = 'platform-settings'): string => `/api/v1/namespaces/${ns}/configmaps/${name}`;
const data = (o: KubeObject): Record<string, string> => (o.data ?? {}) as Record<string, string>;

/** A user edit through an Update (as `kubectl edit` does), under the user's field manager. */
async function userEdit(f: OperatorFixture, path: string, patch: unknown): Promise<KubeObject> {
  return f.cluster.admin.mergePatch(path, patch, 'kubectl-edit');
}

async function annotate(f: OperatorFixture, path: string, annotations: Record<string, string | null>): Promise<void> {
  await userEdit(f, path, { metadata: { annotations } });
}

describe('Patched Baseline chain (real API server)', () => {
  const fixtures: OperatorFixture[] = [];
  const start = async (hcoAnnotations: Record<string, string> = AUTOPILOT, extra = {}): Promise<OperatorFixture> => {
    const f = await startOperator(ASSETS, hcoAnnotations, extra);
    fixtures.push(f);
    return f;
  };
  after(async () => {
    for (const f of fixtures) await f.stop();
  });

  it('creates every eligible asset with SSA, labels it, and reads the HCO back as context', async () => {
    const f = await start();
    const cm = await f.cluster.admin.get(cmPath(f.ns));
    assert.equal(cm.metadata?.labels?.[MANAGED_BY_LABEL], 'virt-platform-operator');
    assert.deepEqual(data(cm), { mode: 'opinionated', tier: 'gold', migrations: '10' }, 'migrations comes from the HCO golden config');
    const entry = cm.metadata?.managedFields?.find((m) => m.manager === 'virt-platform-operator');
    assert.equal(entry?.operation, 'Apply');
    const hco = await f.cluster.admin.get(f.hcoPath);
    assert.equal((hco.spec as { virtualization: { evictionStrategy: string } }).virtualization.evictionStrategy, 'LiveMigrate');
    assert.equal(hco.metadata?.labels?.[MANAGED_BY_LABEL], 'virt-platform-operator');
    assert.equal(await f.cluster.admin.getOrUndefined(cmPath(f.ns, 'optin')), undefined, 'opt-in asset not created without its annotation');
    assert.ok(reasons(await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns)).includes('AssetApplied'));
  });

  it('sends zero requests on a second pass over an in-sync asset set', async () => {
    const f = await start();
    const first = [...f.requests.values()].reduce((a, b) => a + b, 0);
    f.requests.clear();
    f.operator.reconciler.queue.add(WORLD);
    const passes = f.operator.reconciler.worldPasses;
    await eventually('a second world pass', () => f.operator.reconciler.worldPasses > passes);
    await f.operator.settle();
    assert.deepEqual(Object.fromEntries(f.requests), {}, 'no request at all in the second pass');
    process.stderr.write(`requests: first pass ${first} (including list/watch start-up), second pass 0\n`);
  });

  it('repairs drift when a user edits a managed field, with a DriftCorrected event', async () => {
    const f = await start();
    await userEdit(f, cmPath(f.ns), { data: { tier: 'bronze' } });
    await eventually('tier restored', async () => data(await f.cluster.admin.get(cmPath(f.ns))).tier === 'gold');
    const ev = await eventually('DriftCorrected event', async () => {
      const e = await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns);
      return e.find((x) => x.reason === 'DriftCorrected');
    });
    assert.match(ev.message, /\/data\/tier/);
  });

  it('a drift repair is one write (no dry-run first where nothing can hold it); an edit of a field it does not own is one no-op apply, no Event', async () => {
    const f = await start();
    f.requests.clear();
    const before = (await f.cluster.admin.get(cmPath(f.ns))).metadata?.resourceVersion;
    await userEdit(f, cmPath(f.ns), { data: { tier: 'bronze' } });
    await eventually('tier restored', async () => data(await f.cluster.admin.get(cmPath(f.ns))).tier === 'gold');
    await eventually('DriftCorrected', async () =>
      reasons(await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns)).includes('DriftCorrected'),
    );
    await f.operator.settle();
    assert.deepEqual(Object.fromEntries(f.requests), { patch: 1, create: 1 }, 'one apply and its Event');
    f.requests.clear();
    const edited = await userEdit(f, cmPath(f.ns), { data: { extra: 'the user owns this' } });
    await f.operator.settle();
    assert.deepEqual(Object.fromEntries(f.requests), { patch: 1 }, 'one apply, which changed nothing');
    const after = await f.cluster.admin.get(cmPath(f.ns));
    assert.equal(after.metadata?.resourceVersion, edited.metadata?.resourceVersion, 'the apply was a no-op on the server');
    assert.notEqual(after.metadata?.resourceVersion, before);
    assert.equal(data(after).extra, 'the user owns this');
    assert.equal(reasons(await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns)).filter((r) => r === 'DriftCorrected').length, 1);
  });

  it('an apply decided on a stale read of an object deleted meanwhile does not create it again (409)', async () => {
    const f = await start();
    const live = await f.cluster.admin.get(cmPath(f.ns));
    await f.operator.stop();
    await f.cluster.admin.delete(cmPath(f.ns));
    const desired: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'platform-settings', namespace: f.ns }, data: { tier: 'gold' } };
    await assert.rejects(f.client.apply(cmPath(f.ns), conditional(desired, live)), (e: unknown) => isStatus(e, 409));
    assert.equal(await f.cluster.admin.getOrUndefined(cmPath(f.ns)), undefined, 'not re-created');
  });

  it('a burst of cache changes is one world pass, after a short wait; an HCO change is acted on at once', async () => {
    const f = await start();
    const r = f.operator.reconciler;
    const started: string[] = [];
    const reconcile = r.reconcile.bind(r);
    r.reconcile = (item) => {
      started.push(item.type);
      return reconcile(item);
    };
    const flush = (): Promise<void> => new Promise((done) => setImmediate(done));
    const passes = r.worldPasses;
    for (let i = 0; i < 50; i++) r.onChange({ type: i % 2 ? 'nodes' : 'namespaces' });
    await flush();
    assert.deepEqual(started, [], 'no pass while the burst may go on');
    await eventually('the pass for the burst', () => r.worldPasses > passes);
    await sleep(300);
    await f.operator.settle();
    assert.equal(r.worldPasses, passes + 1, 'one pass for 50 changes');
    started.length = 0;
    r.onChange({ type: 'hco' });
    await flush();
    assert.deepEqual(started, ['world'], 'the HCO: at once');
    await f.operator.settle();
  });

  it('re-adds the managed-by label when a user removes it', async () => {
    const f = await start();
    await userEdit(f, cmPath(f.ns), { metadata: { labels: { [MANAGED_BY_LABEL]: null } } });
    await eventually('label back', async () => (await f.cluster.admin.get(cmPath(f.ns))).metadata?.labels?.[MANAGED_BY_LABEL] === 'virt-platform-operator');
  });

  it('applies a user patch annotation over the opinionated value (PatchApplied)', async () => {
    const f = await start();
    await annotate(f, cmPath(f.ns), { 'platform.kubevirt.io/patch': '[{"op":"replace","path":"/data/tier","value":"silver"}]' });
    await eventually('patched value', async () => data(await f.cluster.admin.get(cmPath(f.ns))).tier === 'silver');
    await eventually('PatchApplied', async () => reasons(await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns)).includes('PatchApplied'));
    // The patched value is now the desired state: drift away from it is repaired to it.
    await userEdit(f, cmPath(f.ns), { data: { tier: 'bronze' } });
    await eventually('patched value restored', async () => data(await f.cluster.admin.get(cmPath(f.ns))).tier === 'silver');
  });

  it('patches the HCO golden config through an annotation on the HCO itself', async () => {
    const f = await start();
    await annotate(f, f.hcoPath, {
      'platform.kubevirt.io/patch': '[{"op":"replace","path":"/spec/virtualization/liveMigrationConfig/parallelMigrationsPerCluster","value":20}]',
    });
    await eventually('HCO patched and the dependent ConfigMap re-rendered', async () => data(await f.cluster.admin.get(cmPath(f.ns))).migrations === '20');
    const hco = await f.cluster.admin.get(f.hcoPath);
    assert.equal(
      (hco.spec as { virtualization: { liveMigrationConfig: { parallelMigrationsPerCluster: number } } }).virtualization.liveMigrationConfig
        .parallelMigrationsPerCluster,
      20,
    );
  });

  it('lets the user own ignore-fields: never reverted, never removed', async () => {
    const f = await start();
    await annotate(f, cmPath(f.ns), { 'platform.kubevirt.io/ignore-fields': '/data/mode' });
    for (const v of ['manual', 'custom', 'other']) {
      await userEdit(f, cmPath(f.ns), { data: { mode: v } });
      await f.operator.settle();
      assert.equal(data(await f.cluster.admin.get(cmPath(f.ns))).mode, v);
    }
    await userEdit(f, cmPath(f.ns), { data: { mode: null, tier: 'bronze' } });
    await eventually('other fields still managed', async () => data(await f.cluster.admin.get(cmPath(f.ns))).tier === 'gold');
    await f.operator.settle();
    assert.equal(data(await f.cluster.admin.get(cmPath(f.ns))).mode, undefined, 'a field the user removed is not added back');
  });

  it('leaves an unmanaged object alone (UnmanagedMode)', async () => {
    const f = await start();
    await annotate(f, cmPath(f.ns), { 'platform.kubevirt.io/mode': 'unmanaged' });
    await userEdit(f, cmPath(f.ns), { data: { tier: 'bronze' } });
    await eventually('UnmanagedMode', async () => reasons(await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns)).includes('UnmanagedMode'));
    await f.operator.settle();
    assert.equal(data(await f.cluster.admin.get(cmPath(f.ns))).tier, 'bronze');
  });

  it('adopts an existing unlabelled object and honours its annotations from the first pass', async () => {
    const f = await start({});
    await f.cluster.admin.create(`/api/v1/namespaces/${f.ns}/configmaps`, {
      metadata: { name: 'platform-settings', annotations: { 'platform.kubevirt.io/patch': '[{"op":"replace","path":"/data/tier","value":"platinum"}]' } },
      data: { tier: 'old', extra: 'kept' },
    });
    await annotate(f, f.hcoPath, AUTOPILOT);
    const cm = await eventually('adopted', async () => {
      const o = await f.cluster.admin.get(cmPath(f.ns));
      return o.metadata?.labels?.[MANAGED_BY_LABEL] ? o : undefined;
    });
    assert.equal(data(cm).tier, 'platinum');
    assert.equal(data(cm).extra, 'kept', 'fields the operator does not manage are left as they were');
  });

  it('stays idle without the autopilot annotation, and honours root exclusion and opt-in', async () => {
    const f = await start({});
    await f.operator.settle();
    assert.equal(await f.cluster.admin.getOrUndefined(cmPath(f.ns)), undefined, 'idle: nothing created');
    await annotate(f, f.hcoPath, {
      'platform.kubevirt.io/autopilot': 'true',
      'platform.kubevirt.io/disabled-resources': `ConfigMap/${f.ns}/platform-*`,
      'platform.kubevirt.io/enable-optin': 'true',
    });
    await eventually('opt-in asset created', async () => f.cluster.admin.getOrUndefined(cmPath(f.ns, 'optin')));
    await f.operator.settle();
    assert.equal(await f.cluster.admin.getOrUndefined(cmPath(f.ns)), undefined, 'excluded: never created');
    assert.equal(f.operator.reconciler.reports.get('settings')?.reason, 'AssetSkipped');
  });

  describe('refused user patches change nothing on the cluster', () => {
    const hostile: [string, string, RegExp][] = [
      ['not JSON', 'replace tier please', /not valid JSON/],
      ['not an array', '{"op":"replace","path":"/data/tier","value":"x"}', /JSON array/],
      ['a failing operation', '[{"op":"remove","path":"/data/nope"}]', /cannot apply/],
      ['replace /metadata', '[{"op":"replace","path":"/metadata","value":{"name":"other"}}]', /metadata\.name|label/],
      ['a root replace', '[{"op":"replace","path":"","value":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}}]', /metadata\.name/],
      ['removing the managed-by label', '[{"op":"remove","path":"/metadata/labels/platform.kubevirt.io~1managed-by"}]', /managed-by label/],
      ['move out of metadata.name', '[{"op":"move","from":"/metadata/name","path":"/data/n"}]', /metadata\.name/],
      ['copy over metadata.namespace', '[{"op":"copy","from":"/data/tier","path":"/metadata/namespace"}]', /metadata\.namespace/],
      ['setting status', '[{"op":"add","path":"/status","value":{"x":1}}]', /status/],
      ['prototype pollution', '[{"op":"add","path":"/__proto__/polluted","value":true}]', /forbidden segment/],
    ];
    for (const [what, patch, why] of hostile) {
      it(`refuses ${what} with InvalidPatch and writes nothing`, async () => {
        const f = await start();
        // One edit, so the operator never sees the drift without the (refused) patch.
        await userEdit(f, cmPath(f.ns), { data: { tier: 'user-value' }, metadata: { annotations: { 'platform.kubevirt.io/patch': patch } } });
        const ev = await eventually('InvalidPatch', async () =>
          (await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns)).find((e) => e.reason === 'InvalidPatch'),
        );
        assert.equal(ev.type, 'Warning');
        assert.match(ev.message, why);
        await f.operator.settle();
        const cm = await f.cluster.admin.get(cmPath(f.ns));
        assert.equal(data(cm).tier, 'user-value', 'the user edit is not reverted while the patch is refused');
        assert.equal(cm.metadata?.name, 'platform-settings');
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
      });
    }

    it('refuses any patch on a sensitive kind (MachineConfig)', async () => {
      const f = await start();
      const mcName = `99-engine-test-${f.ns}`;
      const mcPath = `/apis/machineconfiguration.openshift.io/v1/machineconfigs/${mcName}`;
      await annotate(f, mcPath, { 'platform.kubevirt.io/patch': '[{"op":"add","path":"/spec/kernelArguments/-","value":"evil=1"}]' });
      const ev = await eventually('InvalidPatch on the MachineConfig', async () =>
        (await eventsFor(f.cluster.admin, 'MachineConfig', mcName)).find((e) => e.reason === 'InvalidPatch'),
      );
      assert.match(ev.message, /sensitive kind/);
      const mc = await f.cluster.admin.get(mcPath);
      assert.deepEqual((mc.spec as { kernelArguments: string[] }).kernelArguments, ['intel_iommu=on']);
    });

    it('refuses invalid ignore-fields with InvalidIgnoreFields and writes nothing', async () => {
      const f = await start();
      await userEdit(f, cmPath(f.ns), { data: { tier: 'user-value' }, metadata: { annotations: { 'platform.kubevirt.io/ignore-fields': 'data/tier' } } });
      await eventually('InvalidIgnoreFields', async () =>
        reasons(await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns)).includes('InvalidIgnoreFields'),
      );
      await f.operator.settle();
      assert.equal(data(await f.cluster.admin.get(cmPath(f.ns))).tier, 'user-value');
    });
  });

  it('throttles an edit war, pauses the object, keeps it paused across a restart, and resumes when the user removes the annotation', async () => {
    const f = await start(AUTOPILOT, { throttle: { capacity: 2, windowMs: 60_000, pauseAfter: 3 } });
    // A fighter that keeps setting its own value, as a competing controller would.
    let paused = false;
    for (let i = 0; i < 20 && !paused; i++) {
      await userEdit(f, cmPath(f.ns), { data: { tier: `fighter-${i}` } });
      await sleep(150);
      paused = (await f.cluster.admin.get(cmPath(f.ns))).metadata?.annotations?.['platform.kubevirt.io/reconcile-paused'] === 'true';
    }
    assert.ok(paused, 'the object was paused');
    const rs = reasons(await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns));
    assert.ok(rs.includes('Throttled'), `Throttled in ${rs.join(',')}`);
    assert.equal(rs.filter((r) => r === 'ThrashingDetected').length, 1);
    await userEdit(f, cmPath(f.ns), { data: { tier: 'user-final' } });
    await f.restart();
    await f.operator.settle();
    assert.equal(data(await f.cluster.admin.get(cmPath(f.ns))).tier, 'user-final', 'still paused after a restart');
    await annotate(f, cmPath(f.ns), { 'platform.kubevirt.io/reconcile-paused': null });
    await eventually('resumed and repaired', async () => data(await f.cluster.admin.get(cmPath(f.ns))).tier === 'gold');
  });
});
