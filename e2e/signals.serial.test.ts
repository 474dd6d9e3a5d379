// What the operator process says about itself: LOG_LEVEL is honoured by `run`, every write is a
// log line naming the object (kind, namespace, name), and with --leader-elect the only API traffic
// of a steady state is the Lease renewal — a GET and a PUT every retry period — which the
// renewals metric counts exactly.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { testCluster, testNamespace } from '../envtest/harness.js';
import { repoPath } from '../scripts/repo.js';
import { eventually, hcoObject, sleep } from './support/operator-fixture.js';
import { localOperatorArgs, OperatorProcess, type LogLine } from '../localcluster/operator-process.js';

const ASSETS = repoPath('e2e', 'fixtures', 'process-assets');

async function startIn(env: NodeJS.ProcessEnv, extra: (ns: string) => string[] = () => []): Promise<{ p: OperatorProcess; ns: string; metrics: number }> {
  const cluster = await testCluster();
  const ns = await testNamespace(cluster, 'sig');
  await cluster.admin.create(`/apis/hco.kubevirt.io/v1/namespaces/${ns}/hyperconvergeds`, hcoObject(ns, { 'platform.kubevirt.io/autopilot': 'true' }));
  const { metrics, args } = await localOperatorArgs({ kubeconfig: cluster.kubeconfigPath, namespace: ns });
  const p = new OperatorProcess([...args, '--assets-dir', ASSETS, ...extra(ns)], env);
  return { p, ns, metrics };
}

const sum = (text: string, re: RegExp): number => text.split('\n').reduce((n, l) => n + Number(re.exec(l)?.[1] ?? 0), 0);

describe('the operator process tells the truth', () => {
  const procs: OperatorProcess[] = [];
  after(async () => {
    for (const p of procs) await p.stop();
  });

  it('LOG_LEVEL=debug without --log-level gives debug lines; every write is logged with kind, namespace and name; steady state is the Lease alone', async () => {
    const cluster = await testCluster();
    const { p, ns, metrics } = await startIn({ LOG_LEVEL: 'debug' }, (ns) => [
      '--leader-elect',
      '--leader-election-namespace',
      ns,
      '--lease-duration',
      '4s',
      '--renew-deadline',
      '3s',
      '--retry-period',
      '500ms',
    ]);
    procs.push(p);
    await p.waitForLog(/acquired the lease/, 20_000);
    const created = await p.waitForLog(/^object created$/);
    assert.deepEqual(
      { kind: created.kind, namespace: created.namespace, name: created.name, asset: created.asset },
      { kind: 'ConfigMap', namespace: ns, name: 'platform-settings', asset: 'settings' },
    );
    assert.ok(p.count((l) => l.level === 'debug') > 0, 'LOG_LEVEL=debug is honoured by run');
    assert.equal(p.lines.find((l) => l.message === 'starting')?.logLevel, 'debug');

    await cluster.admin.mergePatch(`/api/v1/namespaces/${ns}/configmaps/platform-settings`, { data: { tier: 'bronze' } }, 'kubectl-edit');
    const corrected: LogLine = await p.waitForLog(/^object corrected$/);
    assert.deepEqual(
      { kind: corrected.kind, namespace: corrected.namespace, name: corrected.name, drift: corrected.drift },
      { kind: 'ConfigMap', namespace: ns, name: 'platform-settings', drift: ['/data/tier'] },
    );

    // Steady state: over 3 s, every request is a Lease renewal (GET + PUT each).
    const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
    await eventually('converged', async () => /virt_platform_compliance_status\{asset="settings"\} 1/.test(await scrape()));
    await sleep(1000);
    const a = await scrape();
    await sleep(3000);
    const b = await scrape();
    const requests = sum(b, /^virt_platform_api_requests_total\{verb="\w+"\} (\d+)/) - sum(a, /^virt_platform_api_requests_total\{verb="\w+"\} (\d+)/);
    const renewals =
      sum(b, /^virt_platform_leader_election_renewals_total\{[^}]*\} (\d+)/) - sum(a, /^virt_platform_leader_election_renewals_total\{[^}]*\} (\d+)/);
    process.stderr.write(`steady state over 3 s: ${requests} API requests, ${renewals} Lease renewals (retry period 500 ms)\n`);
    assert.ok(renewals >= 4, `the leader renews every retry period (${renewals} in 3 s)`);
    assert.equal(requests, 2 * renewals, 'nothing but the Lease: a GET and a PUT per renewal');
    assert.match(b, new RegExp(`^virt_platform_leader_election_status\\{lease="${ns}/virt-platform-operator-leader"\\} 1$`, 'm'));
    await p.stop();
  });

  it('LOG_LEVEL=warn: no info line at all, the work still done', async () => {
    const cluster = await testCluster();
    const { p, ns } = await startIn({ LOG_LEVEL: 'warn' });
    procs.push(p);
    await eventually('ConfigMap applied', () => cluster.admin.getOrUndefined(`/api/v1/namespaces/${ns}/configmaps/platform-settings`));
    await sleep(500);
    assert.deepEqual(
      p.lines.filter((l) => l.level === 'info' || l.level === 'debug'),
      [],
    );
    await p.stop();
  });

  it('an invalid LOG_LEVEL is a usage error naming it', async () => {
    const { p } = await startIn({ LOG_LEVEL: 'chatty' });
    procs.push(p);
    assert.equal(await p.exited, 2);
    assert.ok(
      p.raw.some((l) => l.includes('$LOG_LEVEL') && l.includes('"chatty"')),
      p.raw.join('\n'),
    );
  });
});
