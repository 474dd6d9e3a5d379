// Hostile and careless input against the real API server (issue 11): values nested 5,000 deep in
// a field the operator does not own, strings YAML cannot carry raw, a patch that rewrites its own
// annotation, oversize HCO annotations, a controller that keeps re-writing the same value, and a
// second HyperConverged in the operator's namespace.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { testNamespace } from '../envtest/harness.js';
import { repoPath } from '../scripts/repo.js';
import { MANAGED_BY_LABEL } from '../operator/vocabulary/annotations.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { eventsFor, eventually, hcoObject, reasons, sleep, startOperator, type OperatorFixture } from './support/operator-fixture.js';

const ASSETS = repoPath('e2e', 'fixtures', 'engine-assets');
const AUTOPILOT = { 'platform.kubevirt.io/autopilot': 'true' };
const PATCH = 'platform.kubevirt.io/patch';
const cmPath = (ns: string): string => `/api/v1/namespaces/${ns}/configmaps/platform-settings`;
const data = (o: KubeObject): Record<string, string> => (o.data ?? {}) as Record<string, string>;

describe('hostile input (real API server)', () => {
  const fixtures: OperatorFixture[] = [];
  const start = async (hco: Record<string, string> = AUTOPILOT, extra = {}): Promise<OperatorFixture> => {
    const f = await startOperator(ASSETS, hco, extra);
    fixtures.push(f);
    return f;
  };
  after(async () => {
    for (const f of fixtures) await f.stop();
  });
  const cmEvents = async (f: OperatorFixture): Promise<string[]> => reasons(await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns));

  // 3,000 levels: past where the recursive hash overflowed (about 2,200), while the API server
  // still answers in about a second per write (at 5,000 levels its SSA takes ~5 s per request).
  it('repro 9: a 3,000-level value in a field it does not own never stops the object being managed', async () => {
    const f = await start();
    const mcName = `99-engine-test-${f.ns}`;
    const mcPath = `/apis/machineconfiguration.openshift.io/v1/machineconfigs/${mcName}`;
    let deep: unknown = 'leaf';
    for (let i = 0; i < 3000; i++) deep = { n: deep };
    await f.cluster.admin.mergePatch(mcPath, { spec: { config: { ignition: { version: '3.2.0' }, deep } } }, 'kubectl-edit');
    await f.cluster.admin.mergePatch(mcPath, { spec: { kernelArguments: ['evil=1'] } }, 'kubectl-edit');
    const t0 = Date.now();
    await eventually(
      'kernelArguments restored',
      async () => ((await f.cluster.admin.get(mcPath)).spec as { kernelArguments: string[] }).kernelArguments.join() === 'intel_iommu=on',
      60_000,
    );
    process.stderr.write(`drift under a 3,000-level value repaired in ${Date.now() - t0} ms\n`);
    const rs = reasons(await eventsFor(f.cluster.admin, 'MachineConfig', mcName));
    assert.ok(!rs.includes('ApplyFailed'), rs.join(','));
    assert.ok(((await f.cluster.admin.get(mcPath)).spec as { config: { deep?: unknown } }).config.deep, 'the deep value is left alone');
  });

  it('repro 11: strings YAML cannot carry raw are applied exactly; a lone surrogate is refused once', async () => {
    const f = await start();
    const awkward = 'del\u007f c1\u0080\u0085\u009f bom\ufeff nonchar\uffff emoji\ud83d\ude00';
    await f.cluster.admin.mergePatch(
      cmPath(f.ns),
      { metadata: { annotations: { [PATCH]: JSON.stringify([{ op: 'replace', path: '/data/tier', value: awkward }]) } } },
      'kubectl-edit',
    );
    await eventually('awkward value applied', async () => data(await f.cluster.admin.get(cmPath(f.ns))).tier === awkward);
    assert.ok(!(await cmEvents(f)).includes('ApplyFailed'));

    await f.cluster.admin.mergePatch(
      cmPath(f.ns),
      { data: { tier: 'user' }, metadata: { annotations: { [PATCH]: '[{"op":"replace","path":"/data/tier","value":"a\\ud800b"}]' } } },
      'kubectl-edit',
    );
    const ev = await eventually('InvalidPatch', async () =>
      (await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns)).find((e) => e.reason === 'InvalidPatch'),
    );
    assert.match(ev.message, /lone UTF-16 surrogate/);
    await sleep(1500);
    await f.operator.settle();
    const rs = await cmEvents(f);
    assert.equal(rs.filter((r) => r === 'InvalidPatch').length, 1, rs.join(','));
    assert.ok(!rs.includes('ApplyFailed'), rs.join(','));
    assert.equal(data(await f.cluster.admin.get(cmPath(f.ns))).tier, 'user', 'nothing written');
  });

  it('repro 12: a patch that rewrites the patch annotation itself is refused', async () => {
    const f = await start();
    const selfRewrite = JSON.stringify([
      { op: 'add', path: '/metadata/annotations', value: { [PATCH]: '[{"op":"replace","path":"/data/tier","value":"evil"}]' } },
    ]);
    await f.cluster.admin.mergePatch(cmPath(f.ns), { metadata: { annotations: { [PATCH]: selfRewrite } } }, 'kubectl-edit');
    const ev = await eventually('InvalidPatch', async () =>
      (await eventsFor(f.cluster.admin, 'ConfigMap', 'platform-settings', f.ns)).find((e) => e.reason === 'InvalidPatch'),
    );
    assert.match(ev.message, /changes the platform\.kubevirt\.io\/patch annotation/);
    await f.operator.settle();
    const cm = await f.cluster.admin.get(cmPath(f.ns));
    assert.equal(cm.metadata?.annotations?.[PATCH], selfRewrite, "the annotation is the user's, unchanged");
    assert.equal(data(cm).tier, 'gold');
  });

  it('repro 12: HCO annotations over 64 KiB are refused, not honoured', async () => {
    const big = Array.from({ length: 3000 }, (_, i) => `ConfigMap/nowhere/unused-${String(i).padStart(20, '0')}`).join(',');
    assert.ok(big.length > 64 * 1024);
    const f = await start({ ...AUTOPILOT, 'platform.kubevirt.io/disabled-resources': big });
    const ev = await eventually('InvalidAnnotation', async () =>
      (await eventsFor(f.cluster.admin, 'HyperConverged', 'kubevirt-hyperconverged', f.ns)).find((e) => e.reason === 'InvalidAnnotation'),
    );
    assert.equal(ev.type, 'Warning');
    assert.match(ev.message, /platform\.kubevirt\.io\/disabled-resources longer than 65536 bytes: refused/);
    assert.equal(await f.cluster.admin.getOrUndefined(cmPath(f.ns)), undefined, 'idle: nothing created');
  });

  it('repro 7: an edit war with a controller that re-writes the same value is paused', async () => {
    const f = await start(AUTOPILOT, { throttle: { capacity: 2, windowMs: 6000, pauseAfter: 3 } });
    const t0 = Date.now();
    let paused = false;
    let fights = 0;
    // Ten writes a second of the same value, as a competing controller would.
    while (!paused && Date.now() - t0 < 40_000) {
      const cm = await f.cluster.admin.mergePatch(cmPath(f.ns), { data: { tier: 'fighter' } }, 'other-controller');
      fights++;
      paused = cm.metadata?.annotations?.['platform.kubevirt.io/reconcile-paused'] === 'true';
      await sleep(100);
    }
    assert.ok(paused, `paused within 40 s (${fights} fighter writes)`);
    const writes = (await cmEvents(f)).filter((r) => r === 'DriftCorrected' || r === 'AssetApplied').length;
    process.stderr.write(`same-value edit war paused after ${Date.now() - t0} ms; operator writes ${writes}\n`);
    assert.ok(writes <= 2 + 3, `writes bounded by burst + pauseAfter (got ${writes})`);
    assert.equal((await cmEvents(f)).filter((r) => r === 'ThrashingDetected').length, 1);
  });

  it("repro 5: another HyperConverged — a tenant's, or a second name in its namespace — is never acted on", async () => {
    const f = await start();
    const optIn = { ...AUTOPILOT, 'platform.kubevirt.io/enable-optin': 'true' };
    const tenant = await testNamespace(f.cluster, 'tenant');
    await f.cluster.admin.create(`/apis/hco.kubevirt.io/v1/namespaces/${tenant}/hyperconvergeds`, hcoObject(tenant, optIn));
    // The upstream CRD only admits the name kubevirt-hyperconverged; the fixture CRD admits others.
    const second = hcoObject(f.ns, optIn);
    second.metadata!.name = 'second-hco';
    const made = await f.cluster.admin.create(`/apis/hco.kubevirt.io/v1/namespaces/${f.ns}/hyperconvergeds`, second).then(
      () => true,
      (e: unknown) => {
        assert.match(String(e), /should match 'kubevirt-hyperconverged'/);
        return false;
      },
    );
    if (made) {
      const ev = await eventually('HyperConvergedIgnored', async () =>
        (await eventsFor(f.cluster.admin, 'HyperConverged', 'second-hco', f.ns)).find((e) => e.reason === 'HyperConvergedIgnored'),
      );
      assert.equal(ev.type, 'Warning');
    }
    await f.cluster.admin.mergePatch(f.hcoPath, { metadata: { annotations: { touched: '1' } } }, 'kubectl-edit');
    await sleep(1000);
    await f.operator.settle();
    const tenantHco = await f.cluster.admin.get(`/apis/hco.kubevirt.io/v1/namespaces/${tenant}/hyperconvergeds/kubevirt-hyperconverged`);
    assert.equal(tenantHco.metadata?.labels?.[MANAGED_BY_LABEL], undefined, "the tenant's HCO is never applied");
    assert.equal(await f.cluster.admin.getOrUndefined(`/api/v1/namespaces/${tenant}/configmaps/platform-settings`), undefined, 'nothing rendered from it');
    assert.equal(await f.cluster.admin.getOrUndefined(`/api/v1/namespaces/${f.ns}/configmaps/optin`), undefined, 'no opt-in of another HCO is honoured');
    if (made) {
      const live = await f.cluster.admin.get(`/apis/hco.kubevirt.io/v1/namespaces/${f.ns}/hyperconvergeds/second-hco`);
      assert.equal(live.metadata?.labels?.[MANAGED_BY_LABEL], undefined, 'never applied');
      assert.deepEqual(reasons(await eventsFor(f.cluster.admin, 'HyperConverged', 'second-hco', f.ns)), ['HyperConvergedIgnored'], 'reported once');
    }
  });
});
