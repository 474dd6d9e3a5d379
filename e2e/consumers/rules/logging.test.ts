/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- broken fixtures are built by poking into plain objects */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { clone, ctx, rulesOf } from './fixtures.js';
import { validateClusterLogForwarder, validateCollectorBinding, validateLokiStack } from './logging.js';

const stack = (): KubeObject => ({
  apiVersion: 'loki.grafana.com/v1',
  kind: 'LokiStack',
  metadata: { name: 'logging-loki', namespace: 'openshift-logging' },
  spec: {
    size: '1x.small',
    storage: { schemas: [{ version: 'v13', effectiveDate: '2024-10-01' }], secret: { name: 'loki-s3', type: 's3' } },
    storageClassName: 'lvms-vg1',
    tenants: { mode: 'openshift-logging' },
  },
});
const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'collector', namespace: 'openshift-logging' } };
const crb = (role: string): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: `b-${role}` },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  subjects: [{ kind: 'ServiceAccount', name: 'collector', namespace: 'openshift-logging' }],
});
const clf = (): KubeObject => ({
  apiVersion: 'observability.openshift.io/v1',
  kind: 'ClusterLogForwarder',
  metadata: { name: 'instance', namespace: 'openshift-logging' },
  spec: {
    serviceAccount: { name: 'collector' },
    outputs: [
      {
        name: 'default-lokistack',
        type: 'lokiStack',
        lokiStack: { target: { name: 'logging-loki', namespace: 'openshift-logging' }, authentication: { token: { from: 'serviceAccount' } } },
      },
    ],
    filters: [
      { name: 'drop-debug', type: 'drop', drop: [{ test: [{ field: '.level', matches: '^(debug|trace)$' }] }] },
      {
        name: 'audit-policy',
        type: 'kubeAPIAudit',
        kubeAPIAudit: { omitStages: ['RequestReceived'], rules: [{ level: 'None', verbs: ['watch'] }, { level: 'Metadata' }] },
      },
    ],
    pipelines: [
      { name: 'app-logs', inputRefs: ['application'], outputRefs: ['default-lokistack'] },
      { name: 'infra-logs', inputRefs: ['infrastructure'], filterRefs: ['drop-debug'], outputRefs: ['default-lokistack'] },
      { name: 'audit-logs', inputRefs: ['audit'], filterRefs: ['audit-policy'], outputRefs: ['default-lokistack'] },
    ],
  },
});
const all = (): KubeObject[] => [
  stack(),
  sa,
  ...['collect-application-logs', 'collect-infrastructure-logs', 'collect-audit-logs', 'logging-collector-logs-writer'].map(crb),
];
const spec = (o: KubeObject) => o.spec as Record<string, any>;

describe('consumer rules: logging (Loki Operator, Cluster Logging Operator)', () => {
  it('the good stack, forwarder and bindings pass', () => {
    assert.deepEqual(validateLokiStack(stack(), ctx('4.21')), []);
    assert.deepEqual(validateClusterLogForwarder(clf(), ctx('4.21', all())), []);
    for (const b of all().filter((o) => o.kind === 'ClusterRoleBinding')) assert.deepEqual(validateCollectorBinding(b, ctx('4.21', all())), []);
  });

  it('each broken LokiStack is found', () => {
    const cases: [(s: Record<string, any>) => void, string][] = [
      [(s) => (s.size = '1x.demo'), 'size-production'],
      [(s) => (s.size = '2x.huge'), 'size'],
      [(s) => (s.storage.schemas = [{ version: 'v13', effectiveDate: '2999-01-01' }]), 'schemas'],
      [(s) => (s.storage.secret = { name: 'x' }), 'storage-secret'],
      [(s) => (s.storageClassName = 'Bad Class'), 'storage-class'],
      [(s) => (s.tenants = { mode: 'static' }), 'tenants-mode'],
      [(s) => ((s.replication = { factor: 2 }), (s.replicationFactor = 2)), 'replication'],
    ];
    for (const [breakIt, rule] of cases) {
      const o = stack();
      breakIt(spec(o));
      assert.deepEqual(rulesOf(validateLokiStack(o, ctx('4.21'))), [rule], rule);
    }
  });

  it('each broken forwarder is found', () => {
    const cases: [(s: Record<string, any>) => void, string, KubeObject[]?][] = [
      [(s) => s.pipelines[1].filterRefs.push('nope'), 'pipeline-refs'],
      [(s) => (s.filters[0].drop[0].test[0].field = 'level'), 'drop-filter'],
      [(s) => (s.filters[0].drop[0].test[0].matches = '(?=x)'), 'drop-filter'],
      [(s) => (s.filters[1].kubeAPIAudit.rules[0].level = 'Everything'), 'audit-filter'],
      [(s) => (s.outputs[0].lokiStack.target.name = 'other'), 'lokistack-output'],
      [(s) => (s.serviceAccount.name = 'ghost'), 'service-account'],
      [() => undefined, 'permissions', all().filter((o) => o.metadata?.name !== 'b-collect-audit-logs')],
    ];
    for (const [breakIt, rule, objects] of cases) {
      const o = clone(clf());
      breakIt(spec(o));
      const r = rulesOf(validateClusterLogForwarder(o, ctx('4.21', objects ?? all())));
      assert.ok(r.includes(rule), `${rule}: ${r.join(',')}`);
    }
    assert.deepEqual(rulesOf(validateCollectorBinding({ ...crb('collect-audit-logs'), subjects: [{ kind: 'User', name: 'x' }] }, ctx('4.21', all()))), [
      'collector-binding',
    ]);
  });
});
