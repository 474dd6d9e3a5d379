// Proves the local control plane is a real API server: SSA field ownership, strict field
// validation on a dry-run, and RBAC enforcement for a ServiceAccount token.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { KubeClient } from '../operator/kube/client.js';
import { KubeError } from '../operator/kube/errors.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { testCluster, testNamespace, type TestCluster } from '../envtest/harness.js';

const hcoPath = (ns: string, name: string): string => `/apis/hco.kubevirt.io/v1/namespaces/${ns}/hyperconvergeds/${name}`;

describe('local control plane', () => {
  let cluster: TestCluster;
  let ns: string;
  before(async () => {
    cluster = await testCluster();
    ns = await testNamespace(cluster, 'harness');
  });

  it('records the field manager of a server-side apply in managedFields', async () => {
    const hco: KubeObject = {
      apiVersion: 'hco.kubevirt.io/v1',
      kind: 'HyperConverged',
      metadata: { name: 'kubevirt-hyperconverged', namespace: ns },
      spec: { featureGates: [{ name: 'downwardMetrics' }] },
    };
    const applied = await cluster.admin.apply(hcoPath(ns, 'kubevirt-hyperconverged'), hco, { fieldManager: 'harness-test' });
    const entry = applied.metadata?.managedFields?.find((m) => m.manager === 'harness-test');
    assert.ok(entry, 'managedFields has an entry for the field manager');
    assert.equal(entry.operation, 'Apply');
    assert.ok(JSON.stringify(entry.fieldsV1).includes('f:featureGates'), 'the entry owns spec.featureGates');
    const read = await cluster.admin.get(hcoPath(ns, 'kubevirt-hyperconverged'));
    assert.equal(read.metadata?.managedFields?.find((m) => m.manager === 'harness-test')?.operation, 'Apply');
  });

  it('rejects an unknown field on a strict server-side dry-run, and stores nothing', async () => {
    const bad: KubeObject = {
      apiVersion: 'hco.kubevirt.io/v1',
      kind: 'HyperConverged',
      metadata: { name: 'strict-probe', namespace: ns },
      spec: { notAField: true },
    };
    await assert.rejects(
      cluster.admin.apply(hcoPath(ns, 'strict-probe'), bad, { dryRun: true, strict: true }),
      // SSA reports a schema violation as 500 "failed to create typed patch object"; create/update as 400.
      (err: unknown) => err instanceof KubeError && err.status >= 400 && /notAField/.test(err.message),
    );
    await assert.rejects(
      cluster.admin.create(`/apis/hco.kubevirt.io/v1/namespaces/${ns}/hyperconvergeds`, bad, { dryRun: 'All', fieldValidation: 'Strict' }),
      (err: unknown) => err instanceof KubeError && err.status === 400 && /unknown field "spec.notAField"/.test(err.message),
    );
    assert.equal(await cluster.admin.getOrUndefined(hcoPath(ns, 'strict-probe')), undefined);
  });

  it('lists in pages and gives list items their apiVersion and kind back', async () => {
    for (let i = 0; i < 5; i++) await cluster.admin.create(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: `page-${i}` } });
    const seen: KubeObject[] = [];
    const { items } = await cluster.admin.listAll(`/api/v1/namespaces/${ns}/configmaps`, {}, 2, (o) => seen.push(o));
    assert.equal(items.length, 0, 'items go to the callback when one is given');
    assert.ok(seen.filter((o) => o.metadata?.name?.startsWith('page-')).length === 5);
    assert.ok(seen.every((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1'));
  });

  it('answers 403 to a ServiceAccount token that lacks RBAC', async () => {
    await cluster.admin.create(`/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: 'nobody' } });
    const tr = await cluster.admin.create<KubeObject & { status: { token: string } }>(`/api/v1/namespaces/${ns}/serviceaccounts/nobody/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 600 },
    });
    const asSa = new KubeClient(cluster.kubeconfigForToken(tr.status.token, 'nobody'));
    try {
      await assert.rejects(asSa.get(hcoPath(ns, 'kubevirt-hyperconverged')), (err: unknown) => err instanceof KubeError && err.status === 403);
      // The same token is authenticated (not 401): it may ask what it can do.
      const review = await asSa.create<KubeObject & { status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { group: 'hco.kubevirt.io', resource: 'hyperconvergeds', verb: 'get', namespace: ns } },
      });
      assert.equal(review.status.allowed, false);
    } finally {
      asSa.close();
    }
  });
});
