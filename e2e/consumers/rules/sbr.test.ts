import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { ctx, nhc, rulesOf, snrRef } from './fixtures.js';
import { validateSbrConfig } from './sbr.js';

const sbr = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'storage-based-remediation.medik8s.io/v1alpha1',
  kind: 'StorageBasedRemediationConfig',
  metadata: { name: 'virt-platform-detection', namespace: 'openshift-workload-availability' },
  spec: { sharedStorageClass: 'ocs-storagecluster-cephfs', detectOnlyMode: 'Enabled', ...spec },
});
const pairedNhc = (): KubeObject => {
  const n = nhc({ remediationTemplate: snrRef });
  (n.spec as { unhealthyConditions: unknown[] }).unhealthyConditions.push({ type: 'SBRStorageUnhealthy', status: 'True', duration: '300s' });
  return n;
};

describe('consumer rules: StorageBasedRemediationConfig', () => {
  it('detection mode paired with the NodeHealthCheck passes', () => {
    assert.deepEqual(validateSbrConfig(sbr(), ctx('4.21', [pairedNhc()])), []);
  });
  it('each broken fixture is found', () => {
    assert.deepEqual(rulesOf(validateSbrConfig(sbr({ sharedStorageClass: 'CephFS_' }), ctx('4.21', [pairedNhc()]))), ['shared-storage-class']);
    assert.deepEqual(rulesOf(validateSbrConfig(sbr({ sharedStorageClass: undefined }), ctx('4.21', [pairedNhc()]))), ['shared-storage-class']);
    assert.deepEqual(rulesOf(validateSbrConfig(sbr({ detectOnlyMode: 'Disabled' }), ctx('4.21', [pairedNhc()]))), ['detect-only']);
    assert.deepEqual(rulesOf(validateSbrConfig(sbr({ maxConsecutiveFailures: 1 }), ctx('4.21', [pairedNhc()]))), ['max-failures']);
    assert.deepEqual(rulesOf(validateSbrConfig(sbr(), ctx('4.21', [nhc()]))), ['nhc-pairing']);
  });
});
