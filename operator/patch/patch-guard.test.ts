import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';
import { judgePatchedResult, SENSITIVE_KINDS } from './patch-guard.js';

const before = (): KubeObject => ({
  apiVersion: 'nodehealthcheck.medik8s.io/v1alpha1',
  kind: 'NodeHealthCheck',
  metadata: { name: 'nhc-workers', namespace: 'openshift-workload-availability', labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, team: 'virt' } },
  spec: { minHealthy: '51%', selector: { matchExpressions: [] } },
});

/** The before object changed by `edit`. */
const patched = (edit: (o: KubeObject & { metadata: Record<string, unknown> }) => void): KubeObject => {
  const o = before() as KubeObject & { metadata: Record<string, unknown> };
  edit(o);
  return o;
};

describe('judgePatchedResult: acceptable changes', () => {
  it('accepts an unchanged object', () => {
    assert.equal(judgePatchedResult(before(), before()), undefined);
  });

  it('accepts spec changes, new annotations and other labels', () => {
    const after = patched((o) => {
      o.spec = { minHealthy: '60%', extra: [1] };
      o.metadata.annotations = { 'example.com/note': 'x' };
      o.metadata.labels = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, team: 'other', added: 'y' };
    });
    assert.equal(judgePatchedResult(before(), after), undefined);
  });

  it('accepts lifecycle fields and status the rendered object already has', () => {
    const b = before();
    b.metadata!.finalizers = ['example.com/keep'];
    b.metadata!.ownerReferences = [{ apiVersion: 'v1', kind: 'Namespace', name: 'x', uid: 'u' }];
    b.status = { phase: 'Rendered' };
    const a = structuredClone(b);
    a.spec = { minHealthy: '60%' };
    assert.equal(judgePatchedResult(b, a), undefined);
  });

  it('accepts removing the spec', () => {
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => delete o.spec),
      ),
      undefined,
    );
  });
});

describe('judgePatchedResult: refusals', () => {
  it('refuses any patch on a sensitive kind, even a harmless one', () => {
    for (const kind of [
      'MachineConfig',
      'KubeletConfig',
      'ClusterRole',
      'RoleBinding',
      'ValidatingWebhookConfiguration',
      'MutatingWebhookConfiguration',
      'CustomResourceDefinition',
    ]) {
      assert.ok(SENSITIVE_KINDS.has(kind), kind);
      const b = { ...before(), kind };
      assert.match(judgePatchedResult(b, structuredClone(b)) ?? '', /sensitive kind/, kind);
    }
  });

  it('refuses a result that is not an object', () => {
    for (const after of [null, undefined, 'x', 42, [before()]]) {
      assert.equal(judgePatchedResult(before(), after), 'the patched result is not an object', JSON.stringify(after));
    }
  });

  it('refuses a changed or removed apiVersion', () => {
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => (o.apiVersion = 'nodehealthcheck.medik8s.io/v1beta1')),
      ),
      'the patch changes apiVersion',
    );
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => delete o.apiVersion),
      ),
      'the patch changes apiVersion',
    );
  });

  it('refuses a changed kind', () => {
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => (o.kind = 'SelfNodeRemediationTemplate')),
      ),
      'the patch changes kind',
    );
  });

  it('refuses a removed or non-object metadata', () => {
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => delete (o as KubeObject).metadata),
      ),
      'the patch removes metadata',
    );
    assert.equal(judgePatchedResult(before(), { ...before(), metadata: 'x' }), 'the patch removes metadata');
    assert.equal(judgePatchedResult(before(), { ...before(), metadata: null }), 'the patch removes metadata');
  });

  it('refuses a replaced metadata that drops the name (replace /metadata)', () => {
    assert.equal(
      judgePatchedResult(before(), { ...before(), metadata: { labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } }),
      'the patch changes metadata.name',
    );
  });

  it('refuses a changed name', () => {
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => (o.metadata.name = 'other')),
      ),
      'the patch changes metadata.name',
    );
  });

  it('refuses a changed or removed namespace', () => {
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => (o.metadata.namespace = 'kube-system')),
      ),
      'the patch changes metadata.namespace',
    );
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => delete o.metadata.namespace),
      ),
      'the patch changes metadata.namespace',
    );
  });

  it('refuses adding a namespace to a cluster-scoped object', () => {
    const b = before();
    delete b.metadata!.namespace;
    const a = structuredClone(b);
    a.metadata!.namespace = 'default';
    assert.equal(judgePatchedResult(b, a), 'the patch changes metadata.namespace');
  });

  it('refuses changing or removing the managed-by label, or removing all labels', () => {
    const want = `the patch changes the ${MANAGED_BY_LABEL} label`;
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => ((o.metadata.labels as Record<string, string>)[MANAGED_BY_LABEL] = 'someone-else')),
      ),
      want,
    );
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => delete (o.metadata.labels as Record<string, string>)[MANAGED_BY_LABEL]),
      ),
      want,
    );
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => delete o.metadata.labels),
      ),
      want,
    );
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => ((o.metadata as Record<string, unknown>).labels = 'x')),
      ),
      want,
    );
  });

  it('refuses adding the managed-by label to an object that has none', () => {
    const b = before();
    delete b.metadata!.labels;
    const a = structuredClone(b);
    a.metadata!.labels = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
    assert.equal(judgePatchedResult(b, a), `the patch changes the ${MANAGED_BY_LABEL} label`);
  });

  it('refuses setting any lifecycle field in metadata', () => {
    const values: Record<string, unknown> = {
      resourceVersion: '1',
      uid: 'u',
      generation: 3,
      creationTimestamp: '2024-01-01T00:00:00Z',
      deletionTimestamp: '2024-01-01T00:00:00Z',
      deletionGracePeriodSeconds: 0,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Namespace', name: 'x', uid: 'u' }],
      finalizers: ['example.com/block'],
      managedFields: [{ manager: 'x' }],
    };
    for (const [f, v] of Object.entries(values)) {
      assert.equal(
        judgePatchedResult(
          before(),
          patched((o) => (o.metadata[f] = v)),
        ),
        `the patch sets metadata.${f}`,
        f,
      );
    }
  });

  it('refuses setting status', () => {
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => (o.status = { phase: 'Enabled' })),
      ),
      'the patch sets status',
    );
  });

  it('checks identity before lifecycle fields (the first reason wins)', () => {
    const after = patched((o) => {
      o.kind = 'Other';
      o.status = {};
    });
    assert.equal(judgePatchedResult(before(), after), 'the patch changes kind');
  });
});

describe("judgePatchedResult: the operator's own annotations (issue 11, repro 12)", () => {
  it('refuses a patch that writes, changes or removes a platform.kubevirt.io annotation', () => {
    for (const key of [
      'platform.kubevirt.io/patch',
      'platform.kubevirt.io/ignore-fields',
      'platform.kubevirt.io/reconcile-paused',
      'platform.kubevirt.io/autopilot',
    ]) {
      assert.match(
        judgePatchedResult(
          before(),
          patched((o) => (o.metadata.annotations = { [key]: '[]' })),
        ) ?? '',
        new RegExp(`changes the ${key} annotation`),
        key,
      );
    }
    const b = before();
    b.metadata!.annotations = { 'platform.kubevirt.io/mode': 'x' };
    assert.match(
      judgePatchedResult(b, { ...structuredClone(b), metadata: { ...b.metadata, annotations: {} } }) ?? '',
      /changes the platform.kubevirt.io\/mode annotation/,
    );
  });

  it('allows other annotations', () => {
    assert.equal(
      judgePatchedResult(
        before(),
        patched((o) => (o.metadata.annotations = { 'example.com/x': '1', 'platform.kubevirt.io-other/x': '2' })),
      ),
      undefined,
    );
  });
});
