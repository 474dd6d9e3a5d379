// Signals that must not lie: a success Event only when something was applied.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { repoPath } from '../scripts/repo.js';
import { eventsFor, eventually, reasons, HCO_NAME, startOperator, type OperatorFixture } from './support/operator-fixture.js';

const ASSETS = repoPath('e2e', 'fixtures', 'engine-assets');

describe('success is reported only for a real success', () => {
  let f: OperatorFixture | undefined;
  after(async () => f?.stop());

  it('an autopilot list naming no asset: InvalidAnnotation, and no "ReconcileSucceeded: all 0 eligible assets"', async () => {
    f = await startOperator(ASSETS, { 'platform.kubevirt.io/autopilot': 'no-such-asset' });
    const fx = f;
    const ev = await eventually('InvalidAnnotation', async () => {
      const e = await eventsFor(fx.cluster.admin, 'HyperConverged', HCO_NAME, fx.ns);
      return e.some((x) => x.reason === 'InvalidAnnotation') && e;
    });
    assert.match(ev.find((e) => e.reason === 'InvalidAnnotation')!.message, /names no asset or group: no-such-asset/);
    await f.operator.settle();
    assert.ok(!reasons(await eventsFor(f.cluster.admin, 'HyperConverged', HCO_NAME, f.ns)).includes('ReconcileSucceeded'), 'no success for nothing applied');

    // Fixed: the list names an asset, which is applied; now success is reported.
    await f.cluster.admin.mergePatch(f.hcoPath, { metadata: { annotations: { 'platform.kubevirt.io/autopilot': 'settings' } } }, 'kubectl-annotate');
    const ok = await eventually('ReconcileSucceeded', async () =>
      (await eventsFor(fx.cluster.admin, 'HyperConverged', HCO_NAME, fx.ns)).find((e) => e.reason === 'ReconcileSucceeded'),
    );
    assert.match(ok.message, /^all [1-9]\d* eligible assets are applied and in sync$/);
  });
});

describe('a drift repair is not a new configuration', () => {
  let f: OperatorFixture | undefined;
  after(async () => f?.stop());

  it('an edit of a managed HCO field is repaired with DriftCorrected and no second ReconcileSucceeded', async () => {
    f = await startOperator(ASSETS);
    const fx = f;
    const succeeded = async (): Promise<number> =>
      reasons(await eventsFor(fx.cluster.admin, 'HyperConverged', HCO_NAME, fx.ns)).filter((r) => r === 'ReconcileSucceeded').length;
    await eventually('ReconcileSucceeded', async () => (await succeeded()) === 1);
    await f.cluster.admin.mergePatch(f.hcoPath, { spec: { virtualization: { evictionStrategy: 'None' } } }, 'kubectl-edit');
    await eventually('the repair', async () => {
      const hco = await fx.cluster.admin.get<{ spec: { virtualization: { evictionStrategy: string } } }>(fx.hcoPath);
      const ev = reasons(await eventsFor(fx.cluster.admin, 'HyperConverged', HCO_NAME, fx.ns));
      return hco.spec.virtualization.evictionStrategy === 'LiveMigrate' && ev.includes('DriftCorrected');
    });
    await f.operator.settle();
    assert.equal(await succeeded(), 1, 'the repaired configuration is the one that already converged');
  });
});
