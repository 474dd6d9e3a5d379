import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../vocabulary/object.js';
import type { ObjectKey } from '../vocabulary/resource.js';
import { DriftMemo, liveContent, type DriftVerdict } from './drift-memo.js';

const k = 'k' as ObjectKey;
const other = 'other' as ObjectKey;
const [ka, kb, kx] = (['a', 'b', 'x'] as const).map((s) => s as ObjectKey) as [ObjectKey, ObjectKey, ObjectKey];

const liveObj = (over: { rv?: string; spec?: unknown; status?: unknown; generation?: number } = {}): KubeObject => ({
  apiVersion: 'operator.openshift.io/v1',
  kind: 'KubeDescheduler',
  metadata: {
    name: 'cluster',
    namespace: 'openshift-kube-descheduler-operator',
    uid: 'abc',
    labels: { 'platform.kubevirt.io/managed-by': 'virt-platform-operator' },
    annotations: { a: 'b' },
    resourceVersion: over.rv ?? '100',
    generation: over.generation ?? 4,
    managedFields: [{ manager: 'virt-platform-operator', operation: 'Apply', fieldsV1: { 'f:spec': {} } }],
  },
  spec: over.spec ?? { mode: 'Automatic', profiles: ['KubeVirtRelieveAndMigrate'] },
  status: over.status ?? { readyReplicas: 1 },
});

describe('liveContent', () => {
  it('strips status, managedFields, resourceVersion and generation, keeping everything else', () => {
    assert.deepEqual(liveContent(liveObj()), {
      apiVersion: 'operator.openshift.io/v1',
      kind: 'KubeDescheduler',
      metadata: {
        name: 'cluster',
        namespace: 'openshift-kube-descheduler-operator',
        uid: 'abc',
        labels: { 'platform.kubevirt.io/managed-by': 'virt-platform-operator' },
        annotations: { a: 'b' },
      },
      spec: { mode: 'Automatic', profiles: ['KubeVirtRelieveAndMigrate'] },
    });
  });

  it('does not mutate its input', () => {
    const o = liveObj();
    const copy = structuredClone(o);
    liveContent(o);
    assert.deepEqual(o, copy);
  });

  it('tolerates an object without metadata', () => {
    assert.deepEqual(liveContent({ kind: 'X', status: {} }), { kind: 'X', metadata: {} });
  });
});

describe('DriftMemo verdicts', () => {
  const verdict: DriftVerdict = { desiredHash: 'd1', liveHash: 'l1', drift: ['/spec/mode'] };

  it('misses when nothing is recorded', () => {
    assert.equal(new DriftMemo().get(k, 'd1', 'l1'), undefined);
  });

  it('hits only on the same key with the same (desired, live) pair', () => {
    const m = new DriftMemo();
    m.set(k, verdict);
    assert.equal(m.get(k, 'd1', 'l1'), verdict);
    assert.equal(m.get(k, 'd2', 'l1'), undefined, 'desired changed');
    assert.equal(m.get(k, 'd1', 'l2'), undefined, 'live changed');
    assert.equal(m.get(k, 'l1', 'd1'), undefined, 'swapped');
    assert.equal(m.get(other, 'd1', 'l1'), undefined, 'other key');
  });

  it('keeps one verdict per key: a new verdict replaces the old', () => {
    const m = new DriftMemo();
    m.set(k, verdict);
    const v2: DriftVerdict = { desiredHash: 'd2', liveHash: 'l2', drift: [] };
    m.set(k, v2);
    assert.equal(m.get(k, 'd1', 'l1'), undefined);
    assert.equal(m.get(k, 'd2', 'l2'), v2);
  });
});

describe('DriftMemo.liveHash', () => {
  it('is equal for objects that differ only in status, managedFields, resourceVersion or generation', () => {
    const m = new DriftMemo();
    const a = m.liveHash(ka, liveObj({ rv: '1' }));
    const b = m.liveHash(kb, {
      ...liveObj({ rv: '2', status: { readyReplicas: 0 }, generation: 9 }),
      metadata: { ...liveObj().metadata, resourceVersion: '2', managedFields: [] },
    });
    assert.equal(a, b);
  });

  it('is equal whatever the key order', () => {
    const m = new DriftMemo();
    const o = liveObj();
    const reordered: KubeObject = { spec: o.spec, metadata: o.metadata, kind: o.kind, apiVersion: o.apiVersion };
    assert.equal(m.liveHash(ka, o), m.liveHash(kb, reordered));
  });

  it('changes when the content changes', () => {
    const m = new DriftMemo();
    const a = m.liveHash(ka, liveObj({ rv: '1' }));
    const b = m.liveHash(kb, liveObj({ rv: '1', spec: { mode: 'Predictive' } }));
    assert.notEqual(a, b);
  });

  it('is cached per key and resourceVersion: same resourceVersion returns the cached hash', () => {
    const m = new DriftMemo();
    const first = m.liveHash(k, liveObj({ rv: '5' }));
    // Same resourceVersion, different content: the server would never do this, so the cache answers.
    assert.equal(m.liveHash(k, liveObj({ rv: '5', spec: { mode: 'Predictive' } })), first);
  });

  it('recomputes on a new resourceVersion', () => {
    const m = new DriftMemo();
    const first = m.liveHash(k, liveObj({ rv: '5' }));
    const second = m.liveHash(k, liveObj({ rv: '6', spec: { mode: 'Predictive' } }));
    assert.notEqual(second, first);
    assert.equal(second, new DriftMemo().liveHash(kx, liveObj({ rv: '6', spec: { mode: 'Predictive' } })));
  });

  it('never caches an object without a resourceVersion', () => {
    const m = new DriftMemo();
    const noRv = (spec: unknown): KubeObject => {
      const o = liveObj({ spec });
      delete o.metadata!.resourceVersion;
      return o;
    };
    const a = m.liveHash(k, noRv({ mode: 'Automatic' }));
    const b = m.liveHash(k, noRv({ mode: 'Predictive' }));
    assert.notEqual(a, b);
  });

  it('keeps the cache per key', () => {
    const m = new DriftMemo();
    const a = m.liveHash(ka, liveObj({ rv: '5' }));
    const b = m.liveHash(kb, liveObj({ rv: '5', spec: { mode: 'Predictive' } }));
    assert.notEqual(a, b);
  });
});
