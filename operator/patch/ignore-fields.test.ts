import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_ANNOTATION_BYTES } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';
import { InvalidIgnoreFieldsError, maskIgnoredFields, parseIgnoreFields } from './ignore-fields.js';

describe('parseIgnoreFields', () => {
  it('splits on commas, trims, and drops empty entries', () => {
    assert.deepEqual(parseIgnoreFields(' /spec/replicas , ,/spec/template/metadata/annotations,'), [
      ['spec', 'replicas'],
      ['spec', 'template', 'metadata', 'annotations'],
    ]);
    assert.deepEqual(parseIgnoreFields(''), []);
    assert.deepEqual(parseIgnoreFields(' , '), []);
  });

  it('decodes ~1 and ~0 escapes', () => {
    assert.deepEqual(parseIgnoreFields('/metadata/annotations/example.com~1owner,/spec/a~0b'), [
      ['metadata', 'annotations', 'example.com/owner'],
      ['spec', 'a~b'],
    ]);
  });

  it('keeps array indices as segments', () => {
    assert.deepEqual(parseIgnoreFields('/spec/config/storage/files/0/contents'), [['spec', 'config', 'storage', 'files', '0', 'contents']]);
  });

  it('refuses pointers that name the object identity', () => {
    for (const p of [
      '/apiVersion',
      '/kind',
      '/metadata',
      '/metadata/name',
      '/metadata/namespace',
      '/metadata/labels',
      '/metadata/labels/platform.kubevirt.io~1managed-by',
    ]) {
      assert.throws(
        () => parseIgnoreFields(`/spec/a,${p}`),
        (e: unknown) => e instanceof InvalidIgnoreFieldsError && /identity/.test(e.message),
        p,
      );
    }
  });

  it('allows other labels and annotations', () => {
    assert.deepEqual(parseIgnoreFields('/metadata/labels/team,/metadata/annotations'), [
      ['metadata', 'labels', 'team'],
      ['metadata', 'annotations'],
    ]);
  });

  it('refuses invalid pointers', () => {
    for (const p of ['spec/replicas', '/spec/a~2', '/spec/a~', '#/spec']) {
      assert.throws(
        () => parseIgnoreFields(p),
        (e: unknown) => e instanceof InvalidIgnoreFieldsError && /invalid JSON Pointer/.test(e.message),
        p,
      );
    }
  });

  it('refuses prototype-polluting segments', () => {
    for (const p of ['/__proto__/x', '/spec/constructor/prototype', '/spec/prototype']) {
      assert.throws(() => parseIgnoreFields(p), InvalidIgnoreFieldsError, p);
    }
  });

  it('refuses more than 100 pointers but accepts 100', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `/spec/f${i}`).join(',');
    assert.equal(parseIgnoreFields(list(100)).length, 100);
    assert.throws(
      () => parseIgnoreFields(list(101)),
      (e: unknown) => e instanceof InvalidIgnoreFieldsError && /at most 100/.test(e.message),
    );
  });

  it('refuses text longer than the annotation limit', () => {
    assert.throws(
      () => parseIgnoreFields('/spec/' + 'a'.repeat(MAX_ANNOTATION_BYTES)),
      (e: unknown) => e instanceof InvalidIgnoreFieldsError && /longer than/.test(e.message),
    );
  });
});

const desired = (): KubeObject => ({
  apiVersion: 'forklift.konveyor.io/v1beta1',
  kind: 'ForkliftController',
  metadata: { name: 'forklift-controller', namespace: 'openshift-mtv', labels: { 'platform.kubevirt.io/managed-by': 'virt-platform-operator' } },
  spec: {
    feature_ui_plugin: 'true',
    controller_max_vm_inflight: 20,
    list: ['a', 'b', 'c'],
    nested: { keep: 1, drop: 2 },
  },
});

const live = (): KubeObject => ({
  apiVersion: 'forklift.konveyor.io/v1beta1',
  kind: 'ForkliftController',
  metadata: { name: 'forklift-controller', namespace: 'openshift-mtv', resourceVersion: '7', annotations: { 'example.com/owner': 'team-a' } },
  spec: {
    feature_ui_plugin: 'false',
    controller_max_vm_inflight: 50,
    list: ['x', 'y', 'z'],
    nested: { keep: 1 },
    extra: { deep: { value: [1, 2] } },
  },
  status: { phase: 'Ready' },
});

const mask = (d: KubeObject, l: KubeObject | undefined, text: string) => maskIgnoredFields(d, l, parseIgnoreFields(text));

describe('maskIgnoredFields', () => {
  it('takes the live value for an ignored field', () => {
    const out = mask(desired(), live(), '/spec/controller_max_vm_inflight,/spec/feature_ui_plugin');
    assert.equal((out.spec as Record<string, unknown>).controller_max_vm_inflight, 50);
    assert.equal((out.spec as Record<string, unknown>).feature_ui_plugin, 'false');
  });

  it('leaves fields that are not ignored as desired', () => {
    const out = mask(desired(), live(), '/spec/controller_max_vm_inflight');
    const want = desired();
    (want.spec as Record<string, unknown>).controller_max_vm_inflight = 50;
    assert.deepEqual(out, want);
  });

  it('removes a field from desired when the live object does not have it', () => {
    const out = mask(desired(), live(), '/spec/nested/drop');
    assert.deepEqual((out.spec as Record<string, unknown>).nested, { keep: 1 });
  });

  it('removes every ignored field when there is no live object', () => {
    const out = mask(desired(), undefined, '/spec/nested/drop,/spec/feature_ui_plugin');
    assert.deepEqual(out.spec, { controller_max_vm_inflight: 20, list: ['a', 'b', 'c'], nested: { keep: 1 } });
  });

  it('creates missing parents to hold a live value', () => {
    const out = mask(desired(), live(), '/spec/extra/deep/value,/metadata/annotations/example.com~1owner');
    assert.deepEqual((out.spec as Record<string, unknown>).extra, { deep: { value: [1, 2] } });
    assert.deepEqual(out.metadata?.annotations, { 'example.com/owner': 'team-a' });
  });

  it('takes array elements by index', () => {
    const out = mask(desired(), live(), '/spec/list/1');
    assert.deepEqual((out.spec as Record<string, unknown>).list, ['a', 'y', 'c']);
  });

  it('takes a whole array', () => {
    const out = mask(desired(), live(), '/spec/list');
    assert.deepEqual((out.spec as Record<string, unknown>).list, ['x', 'y', 'z']);
  });

  it('removes an array element the live array does not have', () => {
    const l = live();
    (l.spec as Record<string, unknown>).list = ['x'];
    const out = mask(desired(), l, '/spec/list/2');
    assert.deepEqual((out.spec as Record<string, unknown>).list, ['a', 'b']);
  });

  it('never turns an array the desired object does not render into an object', () => {
    // Before the fix, /spec/tolerations/1 produced `tolerations: {"1": {...}}` in the desired object.
    const l = live();
    (l.spec as Record<string, unknown>).tolerations = [{ key: 'a' }, { key: 'b' }];
    (l.spec as Record<string, unknown>).extra = { deep: { value: [1, 2] }, rules: [{ name: 'r' }] };
    const d = desired();
    delete (d.spec as Record<string, unknown>).extra;
    const out = mask(d, l, '/spec/tolerations/1,/spec/extra/rules/0/name');
    assert.deepEqual(out, d);
    assert.equal((out.spec as Record<string, unknown>).tolerations, undefined);
    assert.equal((out.spec as Record<string, unknown>).extra, undefined);
  });

  it('does not mutate desired or live, and the result shares nothing with live', () => {
    const d = desired();
    const l = live();
    const d0 = structuredClone(d);
    const l0 = structuredClone(l);
    const out = mask(d, l, '/spec/extra,/spec/nested/drop,/spec/list/0');
    assert.deepEqual(d, d0);
    assert.deepEqual(l, l0);
    (out.spec as { extra: { deep: { value: number[] } } }).extra.deep.value.push(3);
    assert.deepEqual(l, l0);
    assert.notEqual(out, d);
  });

  it('with no pointers returns an equal copy', () => {
    const d = desired();
    const out = maskIgnoredFields(d, live(), []);
    assert.deepEqual(out, d);
    assert.notEqual(out, d);
  });

  it('throws when the desired object has no place for the live value', () => {
    const d = desired();
    (d.spec as Record<string, unknown>).extra = 'a scalar';
    assert.throws(
      () => mask(d, live(), '/spec/extra/deep/value'),
      (e: unknown) => e instanceof InvalidIgnoreFieldsError && /\/spec\/extra\/deep\/value/.test(e.message),
    );
  });

  it('throws when the live array element lies beyond the end of the desired array', () => {
    const d = desired();
    (d.spec as Record<string, unknown>).list = [];
    assert.throws(() => mask(d, live(), '/spec/list/2'), InvalidIgnoreFieldsError);
  });
});

describe('parseIgnoreFields: server-owned fields', () => {
  it('refuses fields the API server maintains, which an apply must never carry', () => {
    for (const p of [
      '/status',
      '/status/conditions',
      '/metadata/finalizers',
      '/metadata/ownerReferences/0',
      '/metadata/resourceVersion',
      '/metadata/managedFields',
    ]) {
      assert.throws(() => parseIgnoreFields(p), /set by the API server/, p);
    }
    assert.equal(parseIgnoreFields('/metadata/annotations/x').length, 1);
  });
});

describe('maskIgnoredFields: array indices (issue 11, repro 1)', () => {
  const obj = (l: unknown[] | undefined): KubeObject => ({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: l === undefined ? {} : { l } });
  /** What the operator would write pass after pass, starting from `live`. */
  const passes = (desired: KubeObject, live: KubeObject, text: string, n = 4): unknown[] => {
    const seen: unknown[] = [];
    let cur = live;
    for (let i = 0; i < n; i++) {
      cur = maskIgnoredFields(desired, cur, parseIgnoreFields(text));
      seen.push((cur.spec as { l?: unknown }).l);
    }
    return seen;
  };

  it('never shifts elements into indices the user owns: the first write is a fixed point', () => {
    // Before the fix: [] → [B] → [B,C] → [B,C,C], a different list on every write.
    const out = passes(obj(['A', 'B', 'C']), obj([]), '/spec/l/0,/spec/l/1');
    assert.deepEqual(out, [[], [], [], []]);
  });

  it('the same whatever the order of the pointers', () => {
    assert.deepEqual(passes(obj(['A', 'B', 'C']), obj([]), '/spec/l/1,/spec/l/0'), [[], [], [], []]);
  });

  it("places the elements the user has, keeps the operator's tail", () => {
    assert.deepEqual(passes(obj(['A', 'B', 'C']), obj(['X', 'Y']), '/spec/l/0,/spec/l/1'), Array(4).fill(['X', 'Y', 'C']));
  });

  it('removing the last element needs no yield', () => {
    assert.deepEqual(passes(obj(['A', 'B', 'C']), obj(['X']), '/spec/l/2'), Array(4).fill(['A', 'B']));
  });

  it('yields the whole array when a middle element is missing, or drops it when live has none', () => {
    assert.deepEqual(passes(obj(['A', 'B', 'C']), obj(['X']), '/spec/l/1'), Array(4).fill(['X']));
    assert.deepEqual(passes(obj(['A', 'B', 'C']), obj(undefined), '/spec/l/0'), Array(4).fill(undefined));
  });
});
