import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { featureGateEnabled, hcoObject } from './hco.js';
import type { KubeObject } from './object.js';

const hco = (annotations?: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject => hcoObject('openshift-cnv', annotations, spec);

describe('featureGateEnabled', () => {
  const withGates = (featureGates: unknown): KubeObject => hco(undefined, { featureGates });

  it('is true for a listed gate without a state, or in state Enabled', () => {
    assert.ok(featureGateEnabled(withGates([{ name: 'CPUManager' }]), 'CPUManager'));
    assert.ok(featureGateEnabled(withGates([{ name: 'Other' }, { name: 'CPUManager', state: 'Enabled' }]), 'CPUManager'));
  });

  it('is false for a gate in state Disabled', () => {
    assert.ok(!featureGateEnabled(withGates([{ name: 'CPUManager', state: 'Disabled' }]), 'CPUManager'));
  });

  it('is false for a gate not listed, or when there is no list', () => {
    assert.ok(!featureGateEnabled(withGates([{ name: 'Other' }]), 'CPUManager'));
    assert.ok(!featureGateEnabled(withGates([]), 'CPUManager'));
    assert.ok(!featureGateEnabled(hco(), 'CPUManager'));
    assert.ok(!featureGateEnabled({ kind: 'HyperConverged' }, 'CPUManager'));
  });

  it('does not accept the v1beta1 map layout as a list', () => {
    assert.ok(!featureGateEnabled(withGates({ CPUManager: true }), 'CPUManager'));
  });

  it('tolerates malformed list entries', () => {
    assert.ok(!featureGateEnabled(withGates([null, 'CPUManager', 42]), 'CPUManager'));
    assert.ok(featureGateEnabled(withGates([null, 'x', { name: 'CPUManager' }]), 'CPUManager'));
  });

  it('matches gate names exactly (case-sensitive)', () => {
    assert.ok(!featureGateEnabled(withGates([{ name: 'cpumanager' }]), 'CPUManager'));
  });
});
