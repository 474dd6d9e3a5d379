// The built operator as a process, on a private control plane (this suite restarts the API
// server and installs/deletes CRDs): convergence, HTTP surface, soft dependencies, API server
// restart, leader election hand-over.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../localcluster/controlplane.js';
import { crdDir, installCrds, loadCrds, uninstallCrds } from '../localcluster/crds.js';
import { repoPath } from '../scripts/repo.js';
import { MANAGED_BY_LABEL } from '../operator/vocabulary/annotations.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { eventsFor, eventually, hcoObject, HCO_NAME, sleep } from './support/operator-fixture.js';
import { localOperatorArgs, OperatorProcess } from '../localcluster/operator-process.js';

const ASSETS = repoPath('e2e', 'fixtures', 'process-assets');
const WIDGET_CRD = repoPath('e2e', 'fixtures', 'late-crd', 'widgets.yaml');
const NS = 'virt-test';

describe('operator process (private control plane)', () => {
  let cp: ControlPlane;
  const procs: OperatorProcess[] = [];
  const cmPath = `/api/v1/namespaces/${NS}/configmaps/platform-settings`;
  const widgetPath = `/apis/test.platform.kubevirt.io/v1/namespaces/${NS}/widgets/platform-widget`;

  const startProcess = async (extra: string[] = []): Promise<{ p: OperatorProcess; health: number; metrics: number; debug: number }> => {
    // Plain HTTP metrics, no reviews: this suite reads metrics directly (e2e/metrics-tls covers HTTPS).
    const { health, metrics, debug, args } = await localOperatorArgs({ kubeconfig: cp.kubeconfigPath, namespace: NS });
    const p = new OperatorProcess([...args, '--assets-dir', ASSETS, '--log-level', 'debug', ...extra]);
    procs.push(p);
    return { p, health, metrics, debug };
  };

  before(async () => {
    cp = await startControlPlane();
    await installCrds(
      cp.admin,
      loadCrds(crdDir()).filter((c) => c.metadata?.name === 'hyperconvergeds.hco.kubevirt.io'),
    );
    await cp.admin.create('/api/v1/namespaces', { metadata: { name: NS } });
    await cp.admin.create(`/apis/hco.kubevirt.io/v1/namespaces/${NS}/hyperconvergeds`, hcoObject(NS, { 'platform.kubevirt.io/autopilot': 'true' }));
  });
  after(async () => {
    for (const p of procs) await p.stop();
    await cp?.stop();
  });

  it('converges the cluster, serves probes, metrics and debug views, and skips a kind whose CRD is missing', async () => {
    const { p, health, metrics, debug } = await startProcess();
    const cm = await eventually('ConfigMap applied', () => cp.admin.getOrUndefined(cmPath));
    assert.equal(cm.metadata?.labels?.[MANAGED_BY_LABEL], 'virt-platform-operator');
    await eventually('ready', async () => (await fetch(`http://127.0.0.1:${health}/readyz`)).status === 200);
    assert.equal((await fetch(`http://127.0.0.1:${health}/healthz`)).status, 200);
    const text = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
    assert.match(text, /virt_platform_compliance_status\{asset="settings"\} 1/);
    assert.match(text, /virt_platform_missing_dependencies\{asset="widget"\} 1/);
    assert.match(text, /virt_platform_api_requests_total\{verb="patch"\} \d+/);
    const explain = (await (await fetch(`http://127.0.0.1:${debug}/debug/explain`)).json()) as { asset: string; status: string; reason?: string }[];
    assert.deepEqual(explain.find((r) => r.asset === 'widget')?.reason, 'CRDMissing');
    // Which features are on and what the others wait for (the real catalog's in features.serial).
    const features = (await (await fetch(`http://127.0.0.1:${debug}/debug/features`)).json()) as {
      feature: string;
      state: string;
      waitingFor: string[];
      applied: string[];
    }[];
    assert.deepEqual(
      features.map((x) => [x.feature, x.state]),
      [
        ['core', 'on'],
        ['widgets', 'waiting'],
      ],
    );
    assert.deepEqual(features[0]!.applied, ['hco-golden', 'settings']);
    assert.equal(features[1]!.waitingFor.length, 1);
    assert.match(features[1]!.waitingFor[0]!, /Widget|widgets\.test\.platform\.kubevirt\.io/);
    // No Go autopilot objects in this catalog's migration table: nothing to say.
    assert.deepEqual(await (await fetch(`http://127.0.0.1:${debug}/debug/migration`)).json(), []);
    const render = await (await fetch(`http://127.0.0.1:${debug}/debug/render`)).text();
    assert.match(render, /# asset: settings\n/);
    const hcoEvents = await eventsFor(cp.admin, 'HyperConverged', HCO_NAME, NS);
    assert.equal(hcoEvents.filter((e) => e.reason === 'CRDMissing').length, 1, 'CRDMissing once');
    assert.ok(p.running);
  });

  it('applies an asset within seconds when its CRD is installed after start, without a restart', async () => {
    const t0 = Date.now();
    await installCrds(cp.admin, loadCrds(WIDGET_CRD));
    const w = await eventually('Widget applied', () => cp.admin.getOrUndefined(widgetPath), 20_000);
    process.stderr.write(`CRD installed → asset applied in ${Date.now() - t0} ms\n`);
    assert.equal((w.spec as { size: number }).size, 3);
    await eventually('CRDDiscovered', async () => (await eventsFor(cp.admin, 'HyperConverged', HCO_NAME, NS)).some((e) => e.reason === 'CRDDiscovered'));
  });

  it('survives the CRD being deleted: no crash, no error loop, other assets still managed', async () => {
    const p = procs[0]!;
    await uninstallCrds(cp.admin, ['widgets.test.platform.kubevirt.io']);
    const before = p.lines.length;
    await sleep(4000);
    assert.ok(p.running, 'still running');
    const noisy = p.lines.slice(before).filter((l) => l.level === 'error' || l.level === 'warn');
    assert.ok(noisy.length <= 3, `no error loop after the CRD went away (got ${noisy.length}: ${JSON.stringify(noisy.slice(0, 3))})`);
    await cp.admin.mergePatch(cmPath, { data: { tier: 'bronze' } }, 'kubectl-edit');
    await eventually('drift repaired after the CRD deletion', async () => ((await cp.admin.get(cmPath)).data as Record<string, string>).tier === 'gold');
  });

  it('recovers when the API server restarts under it, and converges again', async () => {
    const p = procs[0]!;
    await cp.restartApiServer();
    assert.ok(p.running);
    await cp.admin.mergePatch(cmPath, { data: { tier: 'after-restart' } }, 'kubectl-edit');
    await eventually(
      'drift repaired after the API server restart',
      async () => ((await cp.admin.get(cmPath)).data as Record<string, string>).tier === 'gold',
      60_000,
    );
    await procs[0]!.stop();
  });

  it('exits with code 2 and one clear line when a port is taken, instead of running half-started', async () => {
    const net = await import('node:net');
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    try {
      const p = new OperatorProcess([
        '--kubeconfig',
        cp.kubeconfigPath,
        '--assets-dir',
        ASSETS,
        '--health-probe-bind-address',
        `127.0.0.1:${port}`,
        '--metrics-bind-address',
        '0',
        '--debug-bind-address',
        '0',
      ]);
      procs.push(p);
      assert.equal(await p.exited, 2);
      assert.ok(
        p.raw.some((l) => l.includes(`--health-probe-bind-address: cannot listen on 127.0.0.1:${port}`)),
        p.raw.join('\n'),
      );
    } finally {
      taken.close();
    }
  });

  it('with two replicas only the leader writes, and a killed leader is replaced within the lease duration', async () => {
    const lease = ['--leader-elect', '--leader-election-namespace', NS, '--lease-duration', '4s', '--renew-deadline', '3s', '--retry-period', '500ms'];
    const a = await startProcess([...lease]);
    await a.p.waitForLog(/acquired the lease/);
    const b = await startProcess([...lease]);
    await b.p.waitForLog(/campaigning/);
    await sleep(2000);
    assert.equal(
      b.p.count((l) => /acquired the lease/.test(l.message ?? '')),
      0,
      'the standby does not lead while the leader renews',
    );
    assert.equal((await fetch(`http://127.0.0.1:${b.health}/readyz`)).status, 200, 'a standby is ready');
    const leaseObj = await cp.admin.get<KubeObject & { spec: { holderIdentity: string } }>(
      `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/virt-platform-operator-leader`,
    );
    assert.match(leaseObj.spec.holderIdentity, new RegExp(`_${a.p.pid}$`));
    // The standby writes nothing: no patch requests in its metrics.
    const standbyMetrics = await (await fetch(`http://127.0.0.1:${b.metrics}/metrics`)).text();
    assert.doesNotMatch(standbyMetrics, /virt_platform_api_requests_total\{verb="patch"\}/);

    const killedAt = Date.now();
    a.p.kill('SIGKILL');
    await b.p.waitForLog(/acquired the lease/, 15_000);
    const handover = Date.now() - killedAt;
    process.stderr.write(`leader killed → standby leading in ${handover} ms (lease duration 4000 ms)\n`);
    assert.ok(handover <= 4000 + 1500, `hand-over within the lease duration plus one retry (${handover} ms)`);
    await cp.admin.mergePatch(cmPath, { data: { tier: 'new-leader' } }, 'kubectl-edit');
    await eventually('the new leader repairs drift', async () => ((await cp.admin.get(cmPath)).data as Record<string, string>).tier === 'gold');

    // Graceful shutdown releases the lease: a third replica takes over at once.
    const c = await startProcess([...lease]);
    await c.p.waitForLog(/campaigning/);
    const stoppedAt = Date.now();
    assert.equal(await b.p.stop(), 0);
    const released = await cp.admin.get<KubeObject & { spec: { holderIdentity: string } }>(
      `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/virt-platform-operator-leader`,
    );
    await c.p.waitForLog(/acquired the lease/, 10_000);
    process.stderr.write(`SIGTERM: exited and released (holder now "${released.spec.holderIdentity}"); successor leading after ${Date.now() - stoppedAt} ms\n`);
    assert.ok(Date.now() - stoppedAt < 4000, 'the successor did not have to wait for the lease to expire');
  });
});
