import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { validateUIPlugin } from './uiplugin.js';
import { ctx, rulesOf } from './fixtures.js';

const ui = (monitoring: Record<string, unknown> = { perses: { enabled: true } }, name = 'monitoring'): KubeObject => ({
  apiVersion: 'observability.openshift.io/v1alpha1',
  kind: 'UIPlugin',
  metadata: { name },
  spec: { type: 'Monitoring', monitoring },
});

describe('consumer rules: UIPlugin', () => {
  it('the Perses monitoring plugin passes on every version; incidents only from 4.19', () => {
    for (const v of ['4.17', '4.19', '4.21']) assert.deepEqual(validateUIPlugin(ui(), ctx(v)), [], v);
    assert.deepEqual(validateUIPlugin(ui({ incidents: { enabled: true } }), ctx('4.19')), []);
  });
  it('each broken fixture is found', () => {
    assert.deepEqual(rulesOf(validateUIPlugin(ui(undefined, 'mon'), ctx('4.21'))), ['name-for-type']);
    assert.deepEqual(rulesOf(validateUIPlugin(ui({ perses: { enabled: false } }), ctx('4.21'))), ['monitoring-features']);
    assert.deepEqual(rulesOf(validateUIPlugin(ui({ incidents: { enabled: true } }), ctx('4.17'))), ['monitoring-features']);
  });
  it('Logging reads a rendered LokiStack; the troubleshooting panel needs 4.19', () => {
    const stack: KubeObject = { apiVersion: 'loki.grafana.com/v1', kind: 'LokiStack', metadata: { name: 'logging-loki', namespace: 'openshift-logging' } };
    const logging: KubeObject = {
      apiVersion: 'observability.openshift.io/v1alpha1',
      kind: 'UIPlugin',
      metadata: { name: 'logging' },
      spec: { type: 'Logging', logging: { lokiStack: { name: 'logging-loki' } } },
    };
    assert.deepEqual(validateUIPlugin(logging, ctx('4.21', [stack])), []);
    assert.deepEqual(rulesOf(validateUIPlugin(logging, ctx('4.21', []))), ['logging-lokistack']);
    const panel: KubeObject = {
      apiVersion: 'observability.openshift.io/v1alpha1',
      kind: 'UIPlugin',
      metadata: { name: 'troubleshooting-panel' },
      spec: { type: 'TroubleshootingPanel' },
    };
    assert.deepEqual(validateUIPlugin(panel, ctx('4.19')), []);
    assert.deepEqual(rulesOf(validateUIPlugin(panel, ctx('4.17'))), ['cluster-version']);
  });
});
