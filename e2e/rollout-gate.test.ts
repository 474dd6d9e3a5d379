// MachineConfigPool-gated rollouts against the real API server. There is no Machine Config
// Operator here: each test owns a MachineConfigPool (named after its HCO namespace, selecting the
// fixture objects' role) and drives its status as the MCO would — Updating, Degraded, paused,
// Updated with a new rendered configuration — and checks what the operator writes and says.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { WORLD } from '../operator/controller/reconciler.js';
import { explainCommand } from '../operator/cli/explain-command.js';
import type { PoolProjection } from '../operator/families/machine-config/pool.js';
import { repoPath } from '../scripts/repo.js';
import { eventsFor, eventually, HCO_NAME, sleep, startOperator, type EventRecord, type OperatorFixture } from './support/operator-fixture.js';

const ASSETS = repoPath('e2e', 'fixtures', 'rollout-assets');
const MCO = '/apis/machineconfiguration.openshift.io/v1';
const GATED = ['kubelet', 'mc-a', 'mc-b'];
const WINDOW = 'platform.kubevirt.io/node-disruption-window';

const poolPath = (ns: string): string => `${MCO}/machineconfigpools/${ns}`;
const mcPath = (ns: string, which: string): string => `${MCO}/machineconfigs/90-${ns}-rollout-${which}`;
const kcPath = (ns: string): string => `${MCO}/kubeletconfigs/rollout-${ns}-kubelet`;
const nopoolPath = (ns: string): string => `${MCO}/machineconfigs/90-${ns}-nopool`;

type PoolState = { updated?: boolean; updating?: boolean; degraded?: string; machines?: number; updatedMachines?: number; configuration?: string };

function poolStatus(s: PoolState): Record<string, unknown> {
  const c = (type: string, on: boolean, message = ''): Record<string, string> => ({
    type,
    status: on ? 'True' : 'False',
    message,
    reason: '',
    lastTransitionTime: '2026-01-01T00:00:00Z',
  });
  return {
    configuration: { name: s.configuration ?? 'rendered-1' },
    machineCount: s.machines ?? 10,
    updatedMachineCount: s.updatedMachines ?? s.machines ?? 10,
    readyMachineCount: s.machines ?? 10,
    degradedMachineCount: s.degraded ? 1 : 0,
    conditions: [
      c('Updated', s.updated ?? false),
      c('Updating', s.updating ?? false),
      c('Degraded', Boolean(s.degraded), s.degraded ?? ''),
      c('NodeDegraded', Boolean(s.degraded), s.degraded ?? ''),
      c('RenderDegraded', false),
    ],
  };
}

/** Creates the test's pool (named after the namespace, selecting its role) in the given state. */
async function createPool(f: { cluster: OperatorFixture['cluster'] }, ns: string, s: PoolState, paused = false): Promise<void> {
  await f.cluster.admin.create(`${MCO}/machineconfigpools`, {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfigPool',
    metadata: { name: ns, labels: { [`pools.operator.machineconfiguration.openshift.io/${ns}`]: '' } },
    spec: { paused, machineConfigSelector: { matchExpressions: [{ key: 'machineconfiguration.openshift.io/role', operator: 'In', values: [ns, 'unused'] }] } },
  });
  await setPool(f, ns, s);
}

async function setPool(f: { cluster: OperatorFixture['cluster'] }, ns: string, s: PoolState): Promise<void> {
  await f.cluster.admin.mergePatch(`${poolPath(ns)}/status`, { status: poolStatus(s) }, 'test-mco');
}

const exists = async (f: OperatorFixture, path: string): Promise<boolean> => (await f.cluster.admin.getOrUndefined(path)) !== undefined;
const hcoEvents = (f: OperatorFixture): Promise<EventRecord[]> => eventsFor(f.cluster.admin, 'HyperConverged', HCO_NAME, f.ns);
const held = async (f: OperatorFixture): Promise<EventRecord[]> => (await hcoEvents(f)).filter((e) => e.reason === 'RolloutHeld');
const report = (f: OperatorFixture, asset: string) => f.operator.reconciler.reports.get(asset);
const allWritten = async (f: OperatorFixture): Promise<boolean> =>
  (await Promise.all([kcPath(f.ns), mcPath(f.ns, 'a'), mcPath(f.ns, 'b')].map((p) => exists(f, p)))).every(Boolean);

async function worldPass(f: OperatorFixture): Promise<void> {
  const passes = f.operator.reconciler.worldPasses;
  f.operator.reconciler.queue.add(WORLD);
  await eventually('a world pass', () => f.operator.reconciler.worldPasses > passes);
  await f.operator.settle();
}

/** Starts an operator whose pool exists before it, in the given state. */
async function startWithPool(state: PoolState, hcoAnnotations: Record<string, string> = {}, extra = {}, paused = false): Promise<OperatorFixture> {
  // The pool is named after the HCO namespace, which startOperator creates: create the pool first
  // under a name chosen here, then the operator in that namespace.
  const { testCluster, uniqueName } = await import('../envtest/harness.js');
  const cluster = await testCluster();
  const ns = uniqueName('ro');
  await createPool({ cluster }, ns, state, paused);
  return startOperator(ASSETS, { 'platform.kubevirt.io/autopilot': 'true', ...hcoAnnotations }, extra, ns);
}

describe('MachineConfigPool-gated rollouts (real API server, the test plays the MCO)', () => {
  const fixtures: OperatorFixture[] = [];
  const start = async (...args: Parameters<typeof startWithPool>): Promise<OperatorFixture> => {
    const f = await startWithPool(...args);
    fixtures.push(f);
    return f;
  };
  after(async () => {
    for (const f of fixtures) {
      await f.stop();
      for (const p of [poolPath(f.ns), mcPath(f.ns, 'a'), mcPath(f.ns, 'b'), kcPath(f.ns), nopoolPath(f.ns)])
        await f.cluster.admin.delete(p).catch(() => undefined);
    }
  });

  it('holds while Updating, Degraded or paused, with one RolloutHeld per hold; releases all of a pool in one pass when Updated', async () => {
    const f = await start({ updating: true, machines: 10, updatedMachines: 3 });
    await eventually('held', () => GATED.every((a) => report(f, a)?.status === 'held'));
    for (const a of GATED) {
      assert.equal(report(f, a)?.status, 'held', a);
      assert.equal(report(f, a)?.message, `held: pool ${f.ns} is Updating, 3/10 nodes updated`);
    }
    assert.equal(await exists(f, mcPath(f.ns, 'a')), false, 'nothing written while the pool is Updating');
    assert.equal(await exists(f, kcPath(f.ns)), false);
    assert.equal(await exists(f, nopoolPath(f.ns)), true, 'a MachineConfig no pool selects reboots nothing: written');
    const firstHolds = await eventually('one RolloutHeld per held asset', async () => ((await held(f)).length === 3 ? held(f) : false));
    assert.ok(firstHolds.every((e) => e.type === 'Normal' && /Updating, 3\/10 nodes updated/.test(e.message)));
    assert.match(await f.operator.metrics.text(), new RegExp(`virt_platform_rollout_held\\{pool="${f.ns}",asset="mc-a"\\} 1`));

    // The rollout progresses: the same hold, no new Event.
    await setPool(f, f.ns, { updating: true, machines: 10, updatedMachines: 7 });
    await eventually('message follows the count', () => report(f, 'mc-a')?.message.includes('7/10'));
    await sleep(300);
    assert.equal((await held(f)).length, 3, 'a progressing rollout is the same hold: no new Event');

    // Degraded: a new hold, said once more per asset.
    await setPool(f, f.ns, { degraded: 'node w-3 failed to drain', machines: 10, updatedMachines: 7 });
    await eventually('held for Degraded', () => report(f, 'kubelet')?.message.includes('Degraded: node w-3 failed to drain'));
    await eventually('three more RolloutHeld', async () => (await held(f)).length === 6);

    // Paused by the admin (and otherwise Updated): still held.
    await f.cluster.admin.mergePatch(poolPath(f.ns), { spec: { paused: true } }, 'admin');
    await setPool(f, f.ns, { updated: true });
    await eventually('held for paused', () => report(f, 'mc-b')?.message === `held: pool ${f.ns} is paused (spec.paused)`);
    assert.equal(await exists(f, mcPath(f.ns, 'b')), false);

    // Unpaused and Updated: every pending change of the pool goes in the same pass. (Proof: a pass
    // that wrote leaves the pool settling until its rendered config changes, which no MCO does here
    // — so a change left for a later pass would stay held, and the next test shows it would.)
    await f.cluster.admin.mergePatch(poolPath(f.ns), { spec: { paused: false } }, 'admin');
    await eventually('all released', () => allWritten(f));
    await f.operator.settle();
    for (const a of GATED) assert.ok(['created', 'in-sync'].includes(report(f, a)?.status ?? ''), `${a} written in the batch`);
    assert.doesNotMatch(await f.operator.metrics.text(), /virt_platform_rollout_held\{/, 'no hold left');
  });

  it('lets the pool settle after a batch: the next change waits for a new rendered config and Updated', async () => {
    const f = await start({ updated: true, configuration: 'rendered-1' });
    await eventually('batch written', () => allWritten(f));
    // A new change (both MachineConfigs' kernel argument) while the MCO has not rendered ours yet.
    await f.cluster.admin.mergePatch(f.hcoPath, { metadata: { annotations: { 'test.rollout/karg': '2' } } }, 'admin');
    await eventually('held: settling', () =>
      report(f, 'mc-a')?.message.includes(`pool ${f.ns} is settling after the previous batch (rendered config rendered-1`),
    );
    await eventually('mc-b held too (later in the same pass)', () => report(f, 'mc-b')?.status === 'held');
    const mc = await f.cluster.admin.get(mcPath(f.ns, 'a'));
    assert.deepEqual((mc.spec as { kernelArguments: string[] }).kernelArguments, ['rollout.a=1'], 'not written while settling');
    // The MCO renders and rolls out our batch: Updating, then Updated on rendered-2.
    await setPool(f, f.ns, { updating: true, configuration: 'rendered-2', updatedMachines: 5 });
    await eventually('held: updating', () => report(f, 'mc-a')?.message.includes('is Updating, 5/10'));
    await setPool(f, f.ns, { updated: true, configuration: 'rendered-2' });
    await eventually('both written in one batch', async () => {
      const [a, b] = await Promise.all([mcPath(f.ns, 'a'), mcPath(f.ns, 'b')].map((p) => f.cluster.admin.get(p)));
      return (
        JSON.stringify([a, b].map((o) => (o?.spec as { kernelArguments?: string[] } | undefined)?.kernelArguments)) ===
        JSON.stringify([['rollout.a=2'], ['rollout.b=2']])
      );
    });
  });

  it('settling ends after the settle timeout when the pool never renders (conditions alone decide)', async () => {
    let now = Date.parse('2026-11-27T12:00:00Z');
    const f = await start({ updated: true }, {}, { now: () => now, settleTimeoutMs: 60_000 });
    await eventually('batch written', () => allWritten(f));
    await f.cluster.admin.mergePatch(f.hcoPath, { metadata: { annotations: { 'test.rollout/karg': '3' } } }, 'admin');
    await eventually('held: settling', () => report(f, 'mc-a')?.message.includes('settling'));
    now += 61_000;
    await worldPass(f);
    // Released by the timeout although the pool never rendered (a pass already running when the
    // clock moved may still say settling: the next one, with the new clock, writes).
    await eventually('released by the timeout', async () => {
      if (report(f, 'mc-a')?.status === 'held') await worldPass(f);
      return JSON.stringify(((await f.cluster.admin.get(mcPath(f.ns, 'a'))).spec as { kernelArguments: string[] }).kernelArguments) === '["rollout.a=3"]';
    });
  });

  it('drift repair of a node-disrupting object is gated; a label-only repair is not', async () => {
    const f = await start({ updated: true });
    await eventually('batch written', () => allWritten(f));
    await setPool(f, f.ns, { updating: true, configuration: 'rendered-2', updatedMachines: 2 });
    await eventually('the operator sees the pool Updating', () =>
      f.operator.cache
        .observed<PoolProjection>('machineconfigpools')
        .list()
        .some((p) => p.name === f.ns && p.conditions.Updating?.status === 'True'),
    );
    // A user changes the spec while the pool is Updating: the repair waits.
    await f.cluster.admin.mergePatch(mcPath(f.ns, 'a'), { spec: { kernelArguments: ['rollout.a=user'] } }, 'kubectl-edit');
    await eventually('repair held', () => report(f, 'mc-a')?.status === 'held');
    assert.match(report(f, 'mc-a')?.message ?? '', /Updating, 2\/10/);
    const ev = await eventually('RolloutHeld on the object', async () =>
      (await eventsFor(f.cluster.admin, 'MachineConfig', `90-${f.ns}-rollout-a`)).find((e) => e.reason === 'RolloutHeld'),
    );
    assert.match(ev.message, /held: pool/);
    assert.deepEqual(((await f.cluster.admin.get(mcPath(f.ns, 'a'))).spec as { kernelArguments: string[] }).kernelArguments, ['rollout.a=user']);
    // Our label removed from the other one: re-added at once, it reboots nothing.
    await f.cluster.admin.mergePatch(mcPath(f.ns, 'b'), { metadata: { labels: { 'platform.kubevirt.io/managed-by': null } } }, 'kubectl-edit');
    await eventually(
      'label re-added while Updating',
      async () => (await f.cluster.admin.get(mcPath(f.ns, 'b'))).metadata?.labels?.['platform.kubevirt.io/managed-by'] === 'virt-platform-operator',
    );
    // Updated again: the repair goes out.
    await setPool(f, f.ns, { updated: true, configuration: 'rendered-2' });
    await eventually(
      'repaired',
      async () => JSON.stringify(((await f.cluster.admin.get(mcPath(f.ns, 'a'))).spec as { kernelArguments: string[] }).kernelArguments) === '["rollout.a=1"]',
    );
  });

  it('writes nothing outside the node-disruption window, and everything once it opens (injected clock)', async () => {
    let now = Date.parse('2026-11-27T12:00:00Z'); // a Friday
    const f = await start({ updated: true }, { [WINDOW]: 'Sat,Sun 01:00-05:00 UTC' }, { now: () => now });
    await eventually('held', () => GATED.every((a) => report(f, a)?.status === 'held'));
    for (const a of GATED) assert.equal(report(f, a)?.message, 'held: outside the node-disruption window Sat,Sun 01:00-05:00 UTC (next opens in 13h)', a);
    assert.equal(await exists(f, mcPath(f.ns, 'a')), false);
    now = Date.parse('2026-11-28T01:30:00Z'); // Saturday, inside
    await worldPass(f);
    assert.ok(await allWritten(f), 'written once the window opens');
  });

  it('a malformed window is said once (InvalidAnnotation) and holds nothing', async () => {
    const f = await start({ updated: true }, { [WINDOW]: 'weekends at night' });
    await eventually('written', () => allWritten(f));
    await worldPass(f);
    const invalid = (await hcoEvents(f)).filter((e) => e.reason === 'InvalidAnnotation');
    assert.equal(invalid.length, 1);
    assert.match(invalid[0]?.message ?? '', /node-disruption-window is malformed \(treated as no window/);
  });

  it('explain shows the held changes and, per pool, the reboot preview', async () => {
    const f = await start({ updating: true, machines: 12, updatedMachines: 4 });
    const out = await explainCommand(['--kubeconfig', f.cluster.kubeconfigPath, '--namespace', f.ns, '--assets-dir', ASSETS]);
    assert.match(out.stdout, new RegExp(`mc-a\\s+MachineConfig/90-${f.ns}-rollout-a\\s+held\\s+held: pool ${f.ns} is Updating, 4/12 nodes updated`));
    assert.match(out.stdout, /NODE DISRUPTION/);
    assert.match(
      out.stdout,
      new RegExp(
        `pool ${f.ns}: 3 pending node-disrupting changes \\(kubelet, mc-a, mc-b\\): one rollout reboots 12 nodes; held: pool ${f.ns} is Updating, 4/12 nodes updated`,
      ),
    );
    process.stderr.write(out.stdout);
  });
});
