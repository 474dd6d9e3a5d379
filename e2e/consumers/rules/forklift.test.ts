import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { validateForkliftController } from './forklift.js';
import { ctx, rulesOf } from './fixtures.js';

const GOOD = { feature_ui_plugin: 'true', feature_validation: 'true', feature_volume_populator: 'true', controller_max_vm_inflight: 20 };
const forklift = (spec: Record<string, unknown> = GOOD, namespace = 'openshift-mtv'): KubeObject => ({
  apiVersion: 'forklift.konveyor.io/v1beta1',
  kind: 'ForkliftController',
  metadata: { name: 'forklift-controller', namespace },
  spec,
});

describe('consumer rules: ForkliftController', () => {
  it('the good object passes on every version', () => {
    for (const v of ['4.17', '4.19', '4.21']) assert.deepEqual(validateForkliftController(forklift(), ctx(v)), [], v);
  });
  it('each broken fixture is found', () => {
    assert.deepEqual(rulesOf(validateForkliftController(forklift(GOOD, 'konveyor-forklift'), ctx('4.21'))), ['watched-namespace']);
    assert.deepEqual(rulesOf(validateForkliftController(forklift({ ...GOOD, feature_ui_plugin: true }), ctx('4.21'))), ['feature-flags']);
    assert.deepEqual(rulesOf(validateForkliftController(forklift({ ...GOOD, controller_max_vm_inflight: 0 }), ctx('4.21'))), ['max-vm-inflight']);
  });
});
