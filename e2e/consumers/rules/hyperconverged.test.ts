import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { hcoDeploysWaspAgent, validateHyperConverged } from './hyperconverged.js';
import { ctx, hco, rulesOf } from './fixtures.js';

const golden = (spec: Record<string, unknown>, annotations: Record<string, string> = {}): KubeObject => ({ ...hco(annotations, spec), status: undefined });
const GOOD = {
  deployment: { uninstallStrategy: 'BlockUninstallIfWorkloadsExist' },
  virtualization: {
    evictionStrategy: 'LiveMigrate',
    workloadUpdateStrategy: { workloadUpdateMethods: ['LiveMigrate'], batchEvictionSize: 10, batchEvictionInterval: '1m0s' },
  },
  workloadSources: { enableCommonBootImageImport: true },
};
const swapMc: KubeObject = { apiVersion: 'machineconfiguration.openshift.io/v1', kind: 'MachineConfig', metadata: { name: '90-worker-virt-platform-swap' } };
const overcommit = { virtualization: { higherWorkloadDensity: { memoryOvercommitPercentage: 150 } } };

describe('consumer rules: HyperConverged (HCO 1.18+)', () => {
  it('the v1 golden config passes', () => assert.deepEqual(validateHyperConverged(golden(GOOD), ctx('4.21')), []));

  it('AAQ: the enable-aaq opt-in must reach spec.deployment.applicationAwareConfig.enable', () => {
    const ann = { 'platform.kubevirt.io/enable-aaq': 'true' };
    assert.deepEqual(rulesOf(validateHyperConverged(golden(GOOD), ctx('4.21', [], hco(ann)))), ['aaq-opt-in']);
    const on = { ...GOOD, deployment: { ...GOOD.deployment, applicationAwareConfig: { enable: true } } };
    assert.deepEqual(validateHyperConverged(golden(on), ctx('4.21', [], hco(ann, on))), []);
  });

  it('wasp-agent: HCO leaves swap to the autopilot ("true" or swap-enable listed), so the platform must provide it', () => {
    assert.equal(hcoDeploysWaspAgent(hco({}, overcommit)), false);
    assert.equal(hcoDeploysWaspAgent(hco({ 'platform.kubevirt.io/autopilot': 'hco, swap-enable ' }, overcommit)), false);
    assert.equal(hcoDeploysWaspAgent(hco({ 'platform.kubevirt.io/autopilot': 'hco' }, overcommit)), true);
    assert.equal(hcoDeploysWaspAgent(hco({ 'platform.kubevirt.io/autopilot': 'hco' })), false);
    assert.deepEqual(rulesOf(validateHyperConverged(golden(GOOD), ctx('4.21', [], hco({}, overcommit)))), ['wasp-agent-swap']);
    assert.deepEqual(validateHyperConverged(golden(GOOD), ctx('4.21', [swapMc], hco({}, overcommit))), []);
    // Before 4.21 the platform cannot give pods swap (no drop-in directory) and says so instead.
    assert.deepEqual(validateHyperConverged(golden(GOOD), ctx('4.19', [], hco({}, overcommit))), []);
    assert.deepEqual(validateHyperConverged(golden(GOOD), ctx('4.21', [], hco({ 'platform.kubevirt.io/autopilot': 'hco' }, overcommit))), []);
  });

  it('each broken fixture is found', () => {
    const cases: [string, KubeObject, KubeObject?][] = [
      ['api-version', { ...golden(GOOD), apiVersion: 'hco.kubevirt.io/v1beta1' }],
      ['v1-fields', golden({ ...GOOD, evictionStrategy: 'LiveMigrate' })],
      ['v1-fields', golden({ ...GOOD, deployment: { uninstallStrategy: 'BlockUninstallIfWorkloadsExist', notAField: 1 } })],
      ['eviction-strategy-single-node', golden(GOOD), hco({}, {}, { infrastructureHighlyAvailable: false })],
      ['eviction-strategy', golden({ ...GOOD, virtualization: { evictionStrategy: 'Migrate' } })],
      ['workload-update-strategy', golden({ ...GOOD, virtualization: { workloadUpdateStrategy: { workloadUpdateMethods: ['Restart'] } } })],
      ['uninstall-strategy', golden({ ...GOOD, deployment: { uninstallStrategy: 'Block' } })],
      ['aaq-config', golden({ ...GOOD, deployment: { applicationAwareConfig: { vmiCalcConfigName: 'Dedicated' } } })],
    ];
    for (const [rule, o, h] of cases) assert.ok(rulesOf(validateHyperConverged(o, ctx('4.21', [], h))).includes(rule), rule);
  });
});
