import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crdEstablished, projectCrd } from './crd-info.js';
import type { KubeObject } from './object.js';

const schema = (profileEnum: string[]) => ({
  openAPIV3Schema: {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      spec: {
        type: 'object',
        properties: {
          mode: { type: 'string', enum: ['Automatic', 'Predictive'] },
          logLevel: { type: 'integer', enum: [1, 2, 4] },
          profiles: { type: 'array', items: { type: 'string', enum: profileEnum } },
          rules: {
            type: 'array',
            items: {
              type: 'object',
              properties: { action: { type: 'string', enum: ['Allow', 'Deny'] }, nested: { type: 'object', properties: { level: { enum: ['Low', 'High'] } } } },
            },
          },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      status: { type: 'object', properties: { phase: { type: 'string', enum: ['Ready'] } } },
    },
  },
});

const CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'kubedeschedulers.operator.openshift.io', resourceVersion: '42' },
  spec: {
    group: 'operator.openshift.io',
    scope: 'Namespaced',
    names: { kind: 'KubeDescheduler', plural: 'kubedeschedulers', singular: 'kubedescheduler', listKind: 'KubeDeschedulerList' },
    versions: [
      { name: 'v1beta1', served: true, storage: false, schema: schema(['DevKubeVirtRelieveAndMigrate']) },
      { name: 'v1', served: true, storage: true, schema: schema(['AffinityAndTaints', 'KubeVirtRelieveAndMigrate']) },
      { name: 'v1alpha1', served: false, storage: false, schema: schema(['Old']) },
    ],
  },
  status: {
    conditions: [
      { type: 'NamesAccepted', status: 'True' },
      { type: 'Established', status: 'True' },
    ],
  },
};

describe('projectCrd', () => {
  const info = projectCrd(CRD);

  it('keeps name, group, kind, plural', () => {
    assert.equal(info.name, 'kubedeschedulers.operator.openshift.io');
    assert.equal(info.group, 'operator.openshift.io');
    assert.equal(info.kind, 'KubeDescheduler');
    assert.equal(info.plural, 'kubedeschedulers');
  });

  it('lists only served versions, in CRD order', () => {
    assert.deepEqual(info.servedVersions, ['v1beta1', 'v1']);
  });

  it('finds the storage version', () => {
    assert.equal(info.storageVersion, 'v1');
  });

  it('is namespaced unless the scope is Cluster', () => {
    assert.equal(info.namespaced, true);
    assert.equal(projectCrd({ ...CRD, spec: { ...(CRD.spec as object), scope: 'Cluster' } }).namespaced, false);
  });

  it('collects enums per served version by dotted path, through array items, stringifying values', () => {
    assert.deepEqual(info.enums.v1, {
      'spec.mode': ['Automatic', 'Predictive'],
      'spec.logLevel': ['1', '2', '4'],
      'spec.profiles': ['AffinityAndTaints', 'KubeVirtRelieveAndMigrate'],
      'spec.rules.action': ['Allow', 'Deny'],
      'spec.rules.nested.level': ['Low', 'High'],
      'status.phase': ['Ready'],
    });
    assert.deepEqual(info.enums.v1beta1?.['spec.profiles'], ['DevKubeVirtRelieveAndMigrate']);
  });

  it('has no enums for versions that are not served', () => {
    assert.deepEqual(Object.keys(info.enums).sort(), ['v1', 'v1beta1']);
  });

  it('does not keep the schema itself', () => {
    assert.ok(!JSON.stringify(info).includes('openAPIV3Schema'));
    assert.ok(!JSON.stringify(info).includes('"type"'));
  });

  it('tolerates a CRD without spec or schema', () => {
    assert.deepEqual(projectCrd({ metadata: { name: 'x.example.com' } }), {
      name: 'x.example.com',
      group: '',
      kind: '',
      plural: '',
      namespaced: true,
      servedVersions: [],
      storageVersion: '',
      enums: {},
    });
    const noSchema = projectCrd({ spec: { versions: [{ name: 'v1', served: true, storage: true }] } });
    assert.deepEqual(noSchema.enums, { v1: {} });
  });

  it('stops at a pathological depth instead of recursing forever', () => {
    type S = { properties?: Record<string, S>; enum?: string[] };
    const root: S = {};
    let cur = root;
    for (let i = 0; i < 100; i++) {
      const next: S = { enum: ['x'] };
      cur.properties = { a: next };
      cur = next;
    }
    const deep = projectCrd({ spec: { versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: root } }] } });
    const paths = Object.keys(deep.enums.v1 ?? {});
    assert.ok(paths.length > 0 && paths.length < 100, String(paths.length));
  });
});

describe('crdEstablished', () => {
  it('is true when the Established condition is True', () => {
    assert.equal(crdEstablished(CRD), true);
  });

  it('is false when Established is False or missing, or there is no status', () => {
    assert.equal(crdEstablished({ ...CRD, status: { conditions: [{ type: 'Established', status: 'False' }] } }), false);
    assert.equal(crdEstablished({ ...CRD, status: { conditions: [{ type: 'NamesAccepted', status: 'True' }] } }), false);
    assert.equal(crdEstablished({ ...CRD, status: {} }), false);
    assert.equal(crdEstablished({ metadata: { name: 'x' } }), false);
  });

  it('is false while the CRD is being deleted', () => {
    assert.equal(crdEstablished({ ...CRD, metadata: { ...CRD.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } }), false);
  });
});
