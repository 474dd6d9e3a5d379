import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { repoPath } from '../../scripts/repo.js';
import type { KubeObject } from '../vocabulary/object.js';
import { loadCatalog } from './catalog.js';
import { featureStatuses, formatFeatures, type AssetOutcome } from './feature-status.js';

const catalog = loadCatalog(repoPath('assets'));
const hco = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'hco.kubevirt.io/v1',
  kind: 'HyperConverged',
  metadata: { name: 'h', namespace: 'n', annotations },
});
const of = (list: ReturnType<typeof featureStatuses>, name: string) => list.find((f) => f.feature === name)!;

describe('feature status', () => {
  it('on, available, waiting (with the reason), off', () => {
    const h = hco({
      'platform.kubevirt.io/autopilot': 'true',
      'platform.kubevirt.io/enable-logging': 'true',
      'platform.kubevirt.io/enable-ksm-zero-only': 'true',
    });
    const outcomes: AssetOutcome[] = [
      { asset: 'ksm-zero-pages-worker', status: 'in-sync', message: 'in sync' },
      { asset: 'ksm-zero-pages-master', status: 'skipped', message: 'not eligible: topology: hasSchedulableMasters is false' },
      { asset: 'logging-lokistack', status: 'skipped', message: 'not applicable: logging needs site data on the HyperConverged' },
      { asset: 'logging-forwarder', status: 'skipped', message: 'not applicable: logging needs site data on the HyperConverged' },
      {
        asset: 'thp-tuning-worker',
        status: 'skipped',
        message: 'not eligible: annotation platform.kubevirt.io/enable-thp-tuning is not "true" on the HyperConverged',
      },
    ];
    const installed = new Set([
      'machineconfigs.machineconfiguration.openshift.io',
      'lokistacks.loki.grafana.com',
      'clusterlogforwarders.observability.openshift.io',
      'uiplugins.observability.openshift.io',
    ]);
    const list = featureStatuses(catalog, h, outcomes, (n) => installed.has(n));
    const ksm = of(list, 'ksm-zero-pages');
    assert.equal(ksm.state, 'on', 'the Go key enable-ksm-zero-only turned it on');
    assert.deepEqual(ksm.applied, ['ksm-zero-pages-worker']);
    assert.deepEqual(ksm.waitingFor, ['topology: hasSchedulableMasters is false']);
    const logging = of(list, 'logging');
    assert.equal(logging.state, 'waiting');
    assert.ok(logging.waitingFor.includes('not applicable: logging needs site data on the HyperConverged'));
    assert.equal(of(list, 'thp-tuning').state, 'available');
    assert.deepEqual(of(list, 'thp-tuning').waitingFor, ['platform.kubevirt.io/enable-thp-tuning: "true" on the HyperConverged']);
    const vmDrain = of(list, 'vm-drain');
    assert.equal(vmDrain.state, 'available');
    const sbrLess = of(list, 'metallb');
    assert.equal(sbrLess.state, 'off');
    assert.ok(sbrLess.waitingFor.includes('CRD metallbs.metallb.io'));
    assert.match(formatFeatures(list), /^FEATURE\s+MATURITY\s+STATE\s+WAITING FOR\n/);
  });

  it('idle without the autopilot; an allowlist leaves the rest off', () => {
    assert.ok(featureStatuses(catalog, hco({}), [], () => true).every((f) => f.state === 'off' && /autopilot/.test(f.waitingFor[0]!)));
    const list = featureStatuses(catalog, hco({ 'platform.kubevirt.io/autopilot': 'thp-tuning' }), [], () => true);
    assert.equal(of(list, 'thp-tuning').state, 'available');
    assert.equal(of(list, 'logging').state, 'off');
  });
});
