// The operators family: AAQ, ForkliftController, MetalLB, UIPlugin.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../operator/kube/types.js';
import { validateAaq } from './aaq.js';
import { validateForkliftController } from './forklift.js';
import { validateMetalLB } from './metallb.js';
import { validateUIPlugin } from './uiplugin.js';
import { ctx, rulesOf } from './fixtures.js';

const obj = (apiVersion: string, kind: string, name: string, namespace: string | undefined, spec: Record<string, unknown>): KubeObject => ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, spec });
const forklift = (spec: Record<string, unknown> = { feature_ui_plugin: 'true', feature_validation: 'true', feature_volume_populator: 'true', controller_max_vm_inflight: 20 }, ns = 'openshift-mtv') => obj('forklift.konveyor.io/v1beta1', 'ForkliftController', 'forklift-controller', ns, spec);
const metallb = (spec: Record<string, unknown> = { logLevel: 'info' }, name = 'metallb') => obj('metallb.io/v1beta1', 'MetalLB', name, 'metallb-system', spec);
const ui = (monitoring: Record<string, unknown> = { perses: { enabled: true } }, name = 'monitoring') => obj('observability.openshift.io/v1alpha1', 'UIPlugin', name, undefined, { type: 'Monitoring', monitoring });

describe('consumer rules: operators', () => {
  it('the good objects pass on every version', () => {
    for (const v of ['4.17', '4.19', '4.21']) {
      assert.deepEqual([...validateForkliftController(forklift(), ctx(v)), ...validateMetalLB(metallb(), ctx(v)), ...validateUIPlugin(ui(), ctx(v))], [], v);
    }
  });

  it('AAQ: any standalone AAQ bypasses the HyperConverged', () => {
    assert.deepEqual(rulesOf(validateAaq(obj('aaq.kubevirt.io/v1alpha1', 'AAQ', 'aaq', undefined, {}), ctx('4.21'))), ['aaq-through-hco']);
  });

  it('each broken fixture is found', () => {
    const cases: [string, { rule: string }[]][] = [
      ['watched-namespace', validateForkliftController(forklift(undefined, 'konveyor-forklift'), ctx('4.21'))],
      ['feature-flags', validateForkliftController(forklift({ feature_ui_plugin: true }), ctx('4.21'))],
      ['max-vm-inflight', validateForkliftController(forklift({ controller_max_vm_inflight: 0 }), ctx('4.21'))],
      ['name', validateMetalLB(metallb(undefined, 'lb'), ctx('4.21'))],
      ['log-level', validateMetalLB(metallb({ logLevel: 'verbose' }), ctx('4.21'))],
      ['tolerations', validateMetalLB(metallb({ speakerTolerations: [{ key: 'k', tolerationSeconds: 5, effect: 'NoSchedule' }] }), ctx('4.21'))],
      ['bgp-backend', validateMetalLB(metallb({ bgpBackend: 'bird' }), ctx('4.21'))],
      ['name-for-type', validateUIPlugin(ui(undefined, 'mon'), ctx('4.21'))],
      ['monitoring-features', validateUIPlugin(ui({ perses: { enabled: false } }), ctx('4.21'))],
      ['monitoring-features', validateUIPlugin(ui({ incidents: { enabled: true } }), ctx('4.17'))],
    ];
    for (const [rule, found] of cases) assert.ok(rulesOf(found).includes(rule), rule);
    assert.deepEqual(validateUIPlugin(ui({ incidents: { enabled: true } }), ctx('4.19')), []);
  });
});
