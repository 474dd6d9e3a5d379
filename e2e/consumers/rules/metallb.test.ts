import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { validateMetalLB } from './metallb.js';
import { ctx, rulesOf } from './fixtures.js';

const metallb = (spec: Record<string, unknown> = { logLevel: 'info' }, name = 'metallb'): KubeObject => ({
  apiVersion: 'metallb.io/v1beta1',
  kind: 'MetalLB',
  metadata: { name, namespace: 'metallb-system' },
  spec,
});

describe('consumer rules: MetalLB', () => {
  it('the good object passes', () => assert.deepEqual(validateMetalLB(metallb(), ctx('4.21')), []));
  it('each broken fixture is found', () => {
    assert.deepEqual(rulesOf(validateMetalLB(metallb(undefined, 'lb'), ctx('4.21'))), ['name']);
    assert.deepEqual(rulesOf(validateMetalLB(metallb({ logLevel: 'verbose' }), ctx('4.21'))), ['log-level']);
    assert.deepEqual(rulesOf(validateMetalLB(metallb({ speakerTolerations: [{ key: 'k', tolerationSeconds: 5, effect: 'NoSchedule' }] }), ctx('4.21'))), [
      'tolerations',
    ]);
    assert.deepEqual(rulesOf(validateMetalLB(metallb({ bgpBackend: 'bird' }), ctx('4.21'))), ['bgp-backend']);
  });
});
