// The fault-injection suite (issue 11), on a private control plane: a loopback proxy between the
// operator and the API server adds latency, drops, resets, hangs, 429 with Retry-After, 5xx, cut
// and expired (410) watches; the API server and etcd are killed and restarted; a leader's Lease
// requests hang while a standby takes over. Every case asserts the recovery time, a bounded
// request rate (no hot loop), no duplicate writes or Events, no ApplyFailed noise, and in HA no
// write from the old leader after the takeover. It also holds the HyperConverged cases that change
// the HCO CRD (served versions) or need no --namespace, which a shared control plane cannot host.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, tokenKubeconfig, type ControlPlane } from '../localcluster/controlplane.js';
import { crdDir, installCrds, loadCrds } from '../localcluster/crds.js';
import { repoPath } from '../scripts/repo.js';
import { MANAGED_BY_LABEL } from '../operator/vocabulary/annotations.js';
import { KubeClient } from '../operator/kube/client.js';
import { Operator } from '../operator/operator.js';
import { FaultProxy, isWrite, rate, type FaultRule } from './support/fault-proxy.js';
import { eventsFor, eventually, hcoObject, HCO_NAME, sleep } from './support/operator-fixture.js';
import { localOperatorArgs, OperatorProcess } from '../localcluster/operator-process.js';

const ASSETS = repoPath('e2e', 'fixtures', 'process-assets');
const NS = 'openshift-cnv';
const HCO_CRD = 'hyperconvergeds.hco.kubevirt.io';
const AUTOPILOT = { 'platform.kubevirt.io/autopilot': 'true' };
const cmPath = (ns = NS): string => `/api/v1/namespaces/${ns}/configmaps/platform-settings`;
const tier = async (cp: ControlPlane): Promise<string | undefined> =>
  ((await cp.admin.getOrUndefined(cmPath()))?.data as Record<string, string> | undefined)?.tier;
const count = async (cp: ControlPlane, reason: string, kind = 'ConfigMap', name = 'platform-settings'): Promise<number> =>
  (await eventsFor(cp.admin, kind, name, NS)).filter((e) => e.reason === reason).length;

/** One line per fault, printed at the end (the figures the issue asks for). */
const table: string[] = [];

describe('faults (private control plane, loopback fault proxy)', () => {
  let cp: ControlPlane;
  let proxy: FaultProxy;
  let work: string;
  let op: Operator | undefined;
  let opClient: KubeClient | undefined;
  const procs: OperatorProcess[] = [];
  const proxies: FaultProxy[] = [];

  const newProxy = async (): Promise<FaultProxy> => {
    const certs = join(cp.dir, 'certs');
    const p = new FaultProxy(new URL(cp.server), {
      cert: readFileSync(join(certs, 'apiserver.crt')),
      key: readFileSync(join(certs, 'apiserver.key')),
      ca: readFileSync(join(certs, 'apiserver.crt')),
    });
    await p.start();
    proxies.push(p);
    return p;
  };
  const clientVia = (p: FaultProxy): KubeClient => new KubeClient(tokenKubeconfig(p.url, join(cp.dir, 'certs', 'apiserver.crt'), cp.adminToken, 'admin'));
  const startInProcess = async (assetsDir = ASSETS, hcoNamespace = ''): Promise<Operator> => {
    opClient = clientVia(proxy);
    // The cases edit one object many times a minute on purpose: not an edit war.
    op = new Operator({ client: opClient, assetsDir, hcoNamespace, resyncMs: 3_600_000, throttle: { capacity: 1000 } });
    await op.start();
    return op;
  };
  const stopInProcess = async (): Promise<void> => {
    await op?.stop();
    opClient?.close();
    op = undefined;
  };

  before(async () => {
    cp = await startControlPlane();
    work = mkdtempSync(join(tmpdir(), 'vpo-faults-'));
    for (const name of [NS, 'aaa-tenant']) await cp.admin.create('/api/v1/namespaces', { metadata: { name } });
    proxy = await newProxy();
  });
  after(async () => {
    await stopInProcess();
    for (const p of procs) await p.stop();
    for (const p of proxies) await p.close();
    await cp?.stop();
    rmSync(work, { recursive: true, force: true });
    process.stderr.write(`\nfault suite figures:\n${table.join('\n')}\n`);
  });

  it('repro 10: an HCO CRD that does not serve v1 leaves the operator ready and idle, says why on the HCO, and it starts once v1 is served', async () => {
    const real = loadCrds(crdDir()).find((c) => c.metadata?.name === HCO_CRD)!;
    const spec = real.spec as { versions: { name: string; served: boolean; storage: boolean }[] };
    const onlyBeta = {
      ...real,
      spec: { ...spec, versions: spec.versions.filter((v) => v.name === 'v1beta1').map((v) => ({ ...v, served: true, storage: true })) },
    };
    await installCrds(cp.admin, [onlyBeta]);
    await cp.admin.create(`/apis/hco.kubevirt.io/v1beta1/namespaces/${NS}/hyperconvergeds`, {
      ...hcoObject(NS, AUTOPILOT),
      apiVersion: 'hco.kubevirt.io/v1beta1',
    });
    const t0 = Date.now();
    await startInProcess();
    assert.ok(op!.ready, 'ready although the HCO cannot be read as v1');
    const ev = await eventually('a Warning on the HCO', async () =>
      (await eventsFor(cp.admin, 'HyperConverged', HCO_NAME, NS)).find((e) => e.reason === 'CRDMissing'),
    );
    assert.equal(ev.type, 'Warning');
    assert.match(ev.message, /does not serve hco\.kubevirt\.io\/v1/);
    assert.equal(await cp.admin.getOrUndefined(cmPath()), undefined, 'idle');
    const t1 = Date.now();
    await installCrds(cp.admin, [real]);
    // The HCO made as v1beta1 carries v1beta1 field ownership, which an apply as v1 cannot merge
    // (its layout differs): the cluster's HCO is made as v1, as HCO's own operator does.
    await cp.admin.delete(`/apis/hco.kubevirt.io/v1/namespaces/${NS}/hyperconvergeds/${HCO_NAME}`);
    await eventually('old HCO gone', async () => !(await cp.admin.getOrUndefined(`/apis/hco.kubevirt.io/v1/namespaces/${NS}/hyperconvergeds/${HCO_NAME}`)));
    await cp.admin.create(`/apis/hco.kubevirt.io/v1/namespaces/${NS}/hyperconvergeds`, hcoObject(NS, AUTOPILOT));
    await eventually('applied once v1 is served, without a restart', () => cp.admin.getOrUndefined(cmPath()), 20_000);
    table.push(`HCO CRD without v1: ready in ${t1 - t0} ms (idle, one CRDMissing Warning on the HCO); v1 served → applied in ${Date.now() - t1} ms`);
    await op!.settle();
    assert.equal(await count(cp, 'CRDMissing', 'HyperConverged', HCO_NAME), 1 + 1, 'once for v1, once for the Widget CRD');
  });

  it("repro 5: without --namespace only kubevirt-hyperconverged in openshift-cnv is acted on; a tenant's HCO never, and it is told once", async () => {
    await cp.admin.create('/apis/hco.kubevirt.io/v1/namespaces/aaa-tenant/hyperconvergeds', hcoObject('aaa-tenant', AUTOPILOT, { infra: {} }));
    const ev = await eventually('HyperConvergedIgnored', async () =>
      (await eventsFor(cp.admin, 'HyperConverged', HCO_NAME, 'aaa-tenant')).find((e) => e.reason === 'HyperConvergedIgnored'),
    );
    assert.equal(ev.type, 'Warning');
    await op!.settle();
    const tenant = await cp.admin.get('/apis/hco.kubevirt.io/v1/namespaces/aaa-tenant/hyperconvergeds/kubevirt-hyperconverged');
    assert.equal(tenant.metadata?.labels?.[MANAGED_BY_LABEL], undefined, 'never applied');
    assert.equal(await cp.admin.getOrUndefined(cmPath('aaa-tenant')), undefined, 'nothing rendered from it');
    assert.equal((await cp.admin.get(cmPath())).metadata?.labels?.[MANAGED_BY_LABEL], 'virt-platform-operator');
  });

  /**
   * One fault: drift is made (directly on the API server) when the fault starts, the fault lasts
   * `ms`, then is cleared. Measures how long after the fault ends the drift is repaired, the
   * request rate through the proxy during the fault, and the writes and Events it caused.
   */
  const faultCase = async (
    name: string,
    rules: FaultRule[],
    ms: number,
    o: { during?: () => Promise<void>; maxPeak?: number } = {},
  ): Promise<{ repairedAfterClearMs: number; t0: number }> => {
    await op!.settle();
    const value = `drift-${table.length}`;
    const before = {
      drift: await count(cp, 'DriftCorrected'),
      failed: await count(cp, 'ApplyFailed'),
      succeeded: await count(cp, 'ReconcileSucceeded', 'HyperConverged', HCO_NAME),
    };
    const t0 = Date.now();
    proxy.set(rules);
    await cp.admin.mergePatch(cmPath(), { data: { tier: value } }, 'kubectl-edit');
    // Watch for the repair from the start (some faults only slow it down).
    const repaired = eventually(`${name}: drift repaired`, async () => (await tier(cp)) === 'gold' && Date.now(), ms + 30_000);
    const end = t0 + ms;
    while (Date.now() < end) {
      await o.during?.();
      await sleep(Math.min(200, Math.max(0, end - Date.now())));
    }
    const tClear = Date.now();
    proxy.clear();
    const tRepaired = await repaired;
    await op!.settle();
    // Events are retried in the background: wait until the one this drift owes is there.
    await eventually(`${name}: DriftCorrected recorded`, async () => (await count(cp, 'DriftCorrected')) > before.drift, 40_000);
    await sleep(500);
    const r = rate(proxy.seen, t0, tClear);
    const writes = proxy.since(t0, (x) => isWrite(x) && x.path.startsWith(cmPath())).filter((x) => (x.status ?? 0) < 300).length;
    const after = {
      drift: await count(cp, 'DriftCorrected'),
      failed: await count(cp, 'ApplyFailed'),
      succeeded: await count(cp, 'ReconcileSucceeded', 'HyperConverged', HCO_NAME),
    };
    const line = `${name.padEnd(24)} repaired ${tRepaired - t0 > ms ? `${String(tRepaired - tClear).padStart(5)} ms after the fault ended` : `during the fault         `} (${String(tRepaired - t0).padStart(5)} ms after the edit); requests during the fault: mean ${r.mean.toFixed(1)}/s, peak ${r.peak}/s; writes landed ${writes}; DriftCorrected +${after.drift - before.drift}, ApplyFailed +${after.failed - before.failed}`;
    table.push(line);
    process.stderr.write(line + '\n');
    assert.equal(writes, 1, 'one write landed: no duplicate');
    assert.equal(after.drift - before.drift, 1, 'one DriftCorrected: no duplicate, none lost');
    assert.equal(after.failed - before.failed, 0, 'no ApplyFailed for a transient fault');
    assert.equal(after.succeeded, before.succeeded, 'ReconcileSucceeded does not repeat after a recovery');
    assert.ok(r.peak <= (o.maxPeak ?? 25), `no hot loop: peak ${r.peak} requests/s`);
    return { repairedAfterClearMs: tRepaired - tClear, t0 };
  };
  const notWatch = (x: { watch: boolean }): boolean => !x.watch;
  const writesOnly = (x: { method: string; watch: boolean }): boolean => x.method !== 'GET';

  it('latency: 300 ms on every request', async () => {
    await faultCase('latency 300 ms', [{ fault: { kind: 'latency', ms: 300 } }], 4000);
  });

  it('dropped connections: half the requests', async () => {
    const { repairedAfterClearMs } = await faultCase('drop 50%', [{ fault: { kind: 'drop' }, probability: 0.5, match: notWatch }], 5000);
    assert.ok(repairedAfterClearMs < 10_000);
  });

  it('TCP resets on every request', async () => {
    const { repairedAfterClearMs } = await faultCase('reset 100%', [{ fault: { kind: 'reset' }, match: notWatch }], 5000);
    assert.ok(repairedAfterClearMs < 10_000);
  });

  it('hung requests: every write hangs until the fault ends', async () => {
    const { repairedAfterClearMs } = await faultCase('hang writes', [{ fault: { kind: 'hang' }, match: writesOnly }], 5000);
    assert.ok(repairedAfterClearMs < 10_000);
  });

  it('429 with Retry-After: 2 on every write: the operator waits as told', async () => {
    const { t0 } = await faultCase('429 Retry-After 2 s', [{ fault: { kind: 'status', code: 429, retryAfterSeconds: 2 }, match: writesOnly }], 6000);
    const tries = proxy.since(t0, (x) => x.path.startsWith(cmPath()) && x.method === 'PATCH' && x.status === 429).map((x) => x.at);
    const gaps = tries.slice(1).map((t, i) => t - tries[i]!);
    table.push(`  429: ${tries.length} attempts, smallest gap between attempts ${Math.min(...gaps)} ms`);
    assert.ok(tries.length >= 2 && Math.min(...gaps) >= 1900, `Retry-After honoured (gaps ${gaps.join(', ')} ms)`);
  });

  it('500 on every write', async () => {
    const { repairedAfterClearMs } = await faultCase('500 on writes', [{ fault: { kind: 'status', code: 500 }, match: writesOnly }], 5000);
    assert.ok(repairedAfterClearMs < 10_000);
  });

  it('Event writes failing (500): the Event is written once the server answers, exactly once', async () => {
    await faultCase('500 on Event writes', [{ fault: { kind: 'status', code: 500 }, match: (x) => x.method === 'POST' && x.path.includes('/events') }], 5000);
  });

  it('watches cut every 2 s: drift after the cuts is repaired at once (backoff starts over)', async () => {
    let cut = 0;
    await faultCase('watches cut every 2 s', [], 8000, {
      during: async () => {
        cut += proxy.cutWatches();
        await sleep(1800);
      },
    });
    assert.ok(cut > 0);
    // After many cuts, a fresh edit is seen within a second or two (not after a 30 s backoff).
    proxy.cutWatches();
    await sleep(300);
    const t = Date.now();
    await cp.admin.mergePatch(cmPath(), { data: { tier: 'after-cuts' } }, 'kubectl-edit');
    await eventually('repaired after the cuts', async () => (await tier(cp)) === 'gold', 10_000);
    table.push(`  after ${cut} watch cuts: a new edit repaired in ${Date.now() - t} ms`);
    assert.ok(Date.now() - t < 5000);
  });

  it('watches expired (410 Gone): relist and repair', async () => {
    await faultCase('watch 410 Gone', [{ fault: { kind: 'gone' }, match: (x) => x.watch }], 3000, { during: () => Promise.resolve(void proxy.cutWatches()) });
  });

  for (const name of ['kube-apiserver', 'etcd'] as const) {
    it(`${name} killed for 8 s and restarted: drift made after the restart is repaired within seconds`, async () => {
      await op!.settle();
      const t0 = Date.now();
      await cp.kill(name);
      await sleep(8000);
      const tDown = Date.now();
      await cp.start(name);
      await eventually('the API server answers', () => cp.admin.request('GET', '/readyz').then(() => true), 60_000);
      const tUp = Date.now();
      const r = rate(proxy.seen, t0, tDown);
      await cp.admin.mergePatch(cmPath(), { data: { tier: `after-${name}` } }, 'kubectl-edit');
      await eventually('repaired', async () => (await tier(cp)) === 'gold', 30_000);
      const repaired = Date.now() - tUp;
      const line = `${`${name} killed 8 s`.padEnd(24)} drift made after the restart repaired in ${repaired} ms; requests while down: mean ${r.mean.toFixed(1)}/s, peak ${r.peak}/s`;
      table.push(line);
      process.stderr.write(line + '\n');
      assert.ok(repaired < 15_000, `repaired in ${repaired} ms`);
      assert.ok(r.peak <= 25, 'no hot loop while the server is away');
      await op!.settle();
      assert.equal(await count(cp, 'ApplyFailed'), 0);
    });
  }

  it('ReconcileSucceeded was said once through all of the above', async () => {
    assert.equal(await count(cp, 'ReconcileSucceeded', 'HyperConverged', HCO_NAME), 1);
  });

  it('repro 6: a failing asset keeps its backoff while Node changes start world passes; an unlistable tombstoned kind does not start a pass every second', async () => {
    await stopInProcess();
    // A catalog with a tombstoned Secret, whose list the proxy forbids: its cache never fills.
    const assets = join(work, 'assets');
    cpSync(ASSETS, assets, { recursive: true });
    mkdirSync(join(assets, 'tombstones'));
    writeFileSync(join(assets, 'tombstones', 'old.yaml'), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: obsolete\n  namespace: ${NS}\n`);
    proxy.set([{ fault: { kind: 'status', code: 403 }, match: (x) => x.path.startsWith('/api/v1/secrets') }]);
    await cp.admin.create('/api/v1/nodes', { metadata: { name: 'node-1', labels: { 'node-role.kubernetes.io/worker': '' } } });
    // The user's patch makes every apply fail on the server (a ConfigMap value must be a string).
    await cp.admin.mergePatch(
      cmPath(),
      { metadata: { annotations: { 'platform.kubevirt.io/patch': '[{"op":"add","path":"/data/count","value":1}]' } } },
      'kubectl-edit',
    );
    await startInProcess(assets, NS);
    await sleep(1000);
    const quiet0 = Date.now();
    const passes0 = op!.reconciler.worldPasses;
    await sleep(8000);
    const quietPasses = op!.reconciler.worldPasses - passes0;
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      await cp.admin.mergePatch('/api/v1/nodes/node-1', { metadata: { labels: { 'feature.node.kubernetes.io/cpu-model.vendor_id': `v${i}` } } }, 'nfd');
      await sleep(400);
    }
    const attempts = proxy.since(t0, (x) => x.path.startsWith(cmPath()) && x.method === 'PATCH').length;
    const lists = proxy.since(quiet0, (x) => x.path.startsWith('/api/v1/secrets')).length;
    const line = `failing asset + 20 Node changes in 8 s: ${attempts} apply attempts; unlistable tombstone kind: ${quietPasses} world passes in 8 quiet s, ${lists} Secret list attempts in 16 s`;
    table.push(line);
    process.stderr.write(line + '\n');
    assert.ok(attempts <= 7, `the failing asset kept its backoff (${attempts} attempts)`);
    assert.ok(quietPasses <= 5, `world passes back off (${quietPasses} in 8 s)`);
    assert.ok(lists <= 10, `the informer backs off (${lists} lists)`);
    proxy.clear();
    await cp.admin.mergePatch(cmPath(), { metadata: { annotations: { 'platform.kubevirt.io/patch': null } } }, 'kubectl-edit');
    await stopInProcess();
  });

  it('repro 2: a leader whose Lease requests hang stops writing before the standby takes over (zero writes after the takeover)', async () => {
    const lease = [
      '--leader-elect',
      '--leader-election-namespace',
      NS,
      '--lease-duration',
      '4s',
      '--renew-deadline',
      '3s',
      '--retry-period',
      '500ms',
      '--throttle-burst',
      '1000',
    ];
    const start = async (p: FaultProxy): Promise<OperatorProcess> => {
      const kubeconfig = join(work, `kubeconfig-${procs.length}`);
      writeFileSync(kubeconfig, tokenKubeconfig(p.url, join(cp.dir, 'certs', 'apiserver.crt'), cp.adminToken, 'admin').exportConfig());
      const { args } = await localOperatorArgs({ kubeconfig, namespace: NS, metricsSecure: true });
      const proc = new OperatorProcess([...args, '--assets-dir', ASSETS, ...lease]);
      procs.push(proc);
      return proc;
    };
    const proxyA = await newProxy();
    const proxyB = await newProxy();
    const a = await start(proxyA);
    await a.waitForLog(/acquired the lease/, 20_000);
    const b = await start(proxyB);
    await b.waitForLog(/campaigning/);
    await eventually('A converged', async () => (await tier(cp)) === 'gold');
    // A fighter keeps making drift, so the leader always has a write to make.
    let fighting = true;
    const fighter = (async () => {
      for (let i = 0; fighting; i++) {
        await cp.admin.mergePatch(cmPath(), { data: { tier: `fight-${i}` } }, 'fighter').catch(() => undefined);
        await sleep(250);
      }
    })();
    await sleep(1500);
    assert.ok(proxyA.since(0, (x) => isWrite(x) && x.path.startsWith(cmPath())).length > 0, 'A was writing');
    const hangAt = Date.now();
    const renewals = proxyA.since(hangAt - 1500, (x) => x.method === 'PUT' && x.path.includes('/leases/') && x.status === 200).length;
    assert.ok(renewals >= 2, `A renewed its lease steadily before the hang (${renewals} renewals in 1.5 s)`);
    proxyA.set([{ fault: { kind: 'hang' }, match: (x) => x.path.includes('/leases/') }]);
    await b.waitForLog(/acquired the lease/, 20_000);
    const takeoverAt = Date.now();
    await sleep(3000);
    fighting = false;
    await fighter;
    const aWrites = proxyA.since(hangAt, (x) => isWrite(x));
    const lastA = Math.max(0, ...aWrites.map((x) => x.at));
    const afterTakeover = aWrites.filter((x) => x.at >= takeoverAt).length;
    const firstB = Math.min(...proxyB.since(takeoverAt, (x) => isWrite(x)).map((x) => x.at));
    const line = `HA, leader's Lease requests hang: standby leading after ${takeoverAt - hangAt} ms; old leader's last write at +${lastA ? lastA - hangAt : 0} ms (${aWrites.length} writes after the hang began), writes from it after the takeover: ${afterTakeover}; new leader's first write at +${firstB - hangAt} ms`;
    table.push(line);
    process.stderr.write(line + '\n');
    assert.equal(afterTakeover, 0, 'no write from the old leader after the takeover');
    assert.ok(lastA < firstB, 'never two writers');
    assert.equal(await a.exited, 1, 'the old leader exits to come back as a standby');
    await eventually('B repairs drift', async () => (await tier(cp)) === 'gold', 15_000);
  });
});
