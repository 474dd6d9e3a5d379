import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { validateKubeDescheduler } from './descheduler.js';
import { ctx, hco, psiMachineConfig, rulesOf } from './fixtures.js';

const kd = (
  profile: string,
  profileCustomizations: Record<string, unknown>,
  evictionLimits: Record<string, unknown> = { total: 5 },
  extra: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: 'operator.openshift.io/v1',
  kind: 'KubeDescheduler',
  metadata: { name: 'cluster', namespace: 'openshift-kube-descheduler-operator' },
  spec: {
    managementState: 'Managed',
    mode: 'Automatic',
    profiles: [profile],
    deschedulingIntervalSeconds: 30,
    profileCustomizations,
    evictionLimits,
    ...extra,
  },
});
const judge = (o: KubeObject, v: string) => rulesOf(validateKubeDescheduler(o, ctx(v, [psiMachineConfig])));

describe('consumer rules: KubeDescheduler per operator release', () => {
  it("each release's own VM profile passes", () => {
    assert.deepEqual(judge(kd('LongLifecycle', { devEnableEvictionsInBackground: true }, { total: 5 }, { deschedulingIntervalSeconds: 60 }), '4.17'), []);
    assert.deepEqual(judge(kd('DevKubeVirtRelieveAndMigrate', { devDeviationThresholds: 'AsymmetricLow' }), '4.19'), []);
    assert.deepEqual(judge(kd('KubeVirtRelieveAndMigrate', { devDeviationThresholds: 'AsymmetricLow' }, { total: 5, node: 1 }), '4.21'), []);
  });

  it('4.21: forcing PrometheusCPUCombined drops the memory signal of the KubeVirt profile; 4.19 has no better one', () => {
    assert.deepEqual(judge(kd('KubeVirtRelieveAndMigrate', { devActualUtilizationProfile: 'PrometheusCPUCombined' }), '4.21'), ['utilization-memory-signal']);
    assert.deepEqual(judge(kd('KubeVirtRelieveAndMigrate', { devActualUtilizationProfile: 'PrometheusCPUMemoryCombinedProfile' }), '4.21'), []);
    assert.deepEqual(judge(kd('DevKubeVirtRelieveAndMigrate', { devActualUtilizationProfile: 'PrometheusCPUCombined' }), '4.19'), []);
    assert.deepEqual(judge(kd('DevKubeVirtRelieveAndMigrate', { devActualUtilizationProfile: 'PrometheusCPUMemoryCombinedProfile' }), '4.19'), [
      'utilization-profile',
    ]);
  });

  it('each broken fixture is found', () => {
    const cases: [string, string, KubeObject][] = [
      ['profiles', '4.17', kd('DevKubeVirtRelieveAndMigrate', {})],
      ['profiles', '4.19', kd('KubeVirtRelieveAndMigrate', {})],
      [
        'profile-conflicts',
        '4.21',
        { ...kd('LongLifecycle', {}), spec: { ...(kd('LongLifecycle', {}).spec as object), profiles: ['LongLifecycle', 'KubeVirtRelieveAndMigrate'] } },
      ],
      ['customization-known', '4.17', kd('LongLifecycle', { devDeviationThresholds: 'Low' })],
      ['customization-applies', '4.21', kd('KubeVirtRelieveAndMigrate', { devEnableSoftTainter: true })],
      ['customization-applies', '4.21', kd('KubeVirtRelieveAndMigrate', { podLifetime: '24h' })],
      ['thresholds-exclusive', '4.21', kd('KubeVirtRelieveAndMigrate', { devDeviationThresholds: 'Low', devLowNodeUtilizationThresholds: 'Low' })],
      ['utilization-profile', '4.21', kd('KubeVirtRelieveAndMigrate', { devActualUtilizationProfile: 'CPU' })],
      ['eviction-limits', '4.19', kd('DevKubeVirtRelieveAndMigrate', {}, { total: 5, node: 1 })],
      ['eviction-limits-migrations', '4.21', kd('KubeVirtRelieveAndMigrate', {}, { total: 50 })],
      ['interval', '4.21', kd('KubeVirtRelieveAndMigrate', {}, { total: 5 }, { deschedulingIntervalSeconds: 0 })],
      ['mode', '4.21', kd('KubeVirtRelieveAndMigrate', {}, { total: 5 }, { mode: 'Auto' })],
      ['singleton', '4.21', { ...kd('KubeVirtRelieveAndMigrate', {}), metadata: { name: 'vms', namespace: 'openshift-kube-descheduler-operator' } }],
    ];
    for (const [rule, v, o] of cases) assert.ok(judge(o, v).includes(rule), `${rule} on ${v}: ${judge(o, v).join(',')}`);
    assert.deepEqual(rulesOf(validateKubeDescheduler(kd('KubeVirtRelieveAndMigrate', {}), ctx('4.21', [], hco()))), ['kubevirt-profile-psi']);
  });
});
