// The off-switch's two requests against the real API server (kube/prune-requests.ts). Releasing an
// adopted object must leave its content exactly as it is and no managedFields entry of the
// operator: the test first shows why an apply with no fields is not that (the server deletes every
// field only the operator owned), then that the release PATCH is. Removing is conditioned on the
// uid (a same-named object created meanwhile survives) and in the foreground.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { testCluster, testNamespace } from '../envtest/harness.js';
import { FIELD_MANAGER, type KubeClient } from '../operator/kube/client.js';
import { isOperatorManager, releaseObject, removeObject } from '../operator/kube/prune-requests.js';
import { ANNOTATIONS, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../operator/vocabulary/annotations.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import type { ResourceRef } from '../operator/vocabulary/resource.js';

const CM: ResourceRef = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };

describe('off-switch requests (real API server)', () => {
  let client: KubeClient;
  let ns: string;
  const path = (name: string): string => `/api/v1/namespaces/${ns}/configmaps/${name}`;

  /** A ConfigMap someone else made (data a, b), then adopted by the operator's apply (a, c, label, annotations). */
  async function adopted(name: string): Promise<KubeObject> {
    await client.create(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name }, data: { a: '1', b: '2' } }, { fieldManager: 'admin-tool' });
    return client.apply(path(name), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: ns,
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
        annotations: { [ANNOTATIONS.ownership]: 'adopted', [ANNOTATIONS.asset]: 'x' },
      },
      data: { a: '1', c: '3' },
    });
  }
  const managers = (o: KubeObject): string[] => (o.metadata?.managedFields ?? []).map((e) => e.manager ?? '');

  before(async () => {
    const cluster = await testCluster();
    client = cluster.admin;
    ns = await testNamespace(cluster, 'prune');
  });

  it('an apply with no fields drops the entry but also deletes what only the operator owned: not a release', async () => {
    const live = await adopted('empty-apply');
    assert.ok(managers(live).includes(FIELD_MANAGER));
    const after = await client.apply(path('empty-apply'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'empty-apply', namespace: ns } });
    assert.ok(!managers(after).includes(FIELD_MANAGER), 'the entry is gone');
    assert.deepEqual(after.data, { a: '1', b: '2' }, 'c, owned by the operator alone, was deleted by the server');
  });

  it('release: label and annotations gone, no managedFields entry of the operator, content unchanged', async () => {
    const live = await adopted('released');
    const released = await releaseObject(client, CM, live);
    const read = await client.get(path('released'));
    for (const o of [released!, read]) {
      assert.equal(o.metadata?.labels?.[MANAGED_BY_LABEL], undefined);
      assert.equal(o.metadata?.annotations?.[ANNOTATIONS.ownership], undefined);
      assert.equal(o.metadata?.annotations?.[ANNOTATIONS.asset], undefined);
      assert.deepEqual(managers(o).filter(isOperatorManager), [], `no operator manager left: ${managers(o).join(', ')}`);
      assert.deepEqual(o.data, { a: '1', b: '2', c: '3' }, 'content as it was');
    }
    assert.ok(managers(read).includes('admin-tool'), "the other manager's entry stays");
  });

  it('release of an object only the operator ever managed leaves no entry at all, content unchanged', async () => {
    const live = await client.apply(path('ours-only'), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'ours-only', namespace: ns, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
      data: { a: '1' },
    });
    await releaseObject(client, CM, live);
    const read = await client.get(path('ours-only'));
    assert.deepEqual(managers(read), []);
    assert.deepEqual(read.data, { a: '1' });
    assert.equal(read.metadata?.labels?.[MANAGED_BY_LABEL], undefined);
  });

  it('release refuses a stale read (409): the caller decides again on the newer object', async () => {
    const live = await adopted('stale');
    await client.mergePatch(path('stale'), { data: { d: '4' } }, 'admin-tool');
    await assert.rejects(releaseObject(client, CM, live), (e: { status?: number }) => e.status === 409);
    assert.equal((await client.get(path('stale'))).metadata?.labels?.[MANAGED_BY_LABEL], MANAGED_BY_VALUE, 'nothing released');
  });

  it('remove: deletes the object it read, never a same-named one created since', async () => {
    const first = await client.create<KubeObject>(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'replaced' }, data: { v: 'old' } });
    await client.delete(path('replaced'));
    await client.create(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'replaced' }, data: { v: 'new' } });
    assert.equal(await removeObject(client, CM, first), false);
    assert.deepEqual((await client.get(path('replaced'))).data, { v: 'new' });
    const current = await client.get(path('replaced'));
    assert.equal(await removeObject(client, CM, current), true);
    // Foreground: the server marks it deleted and holds it by the foregroundDeletion finalizer until
    // the garbage collector has removed its dependents (envtest runs no collector, so it stays so).
    const going = await client.get(path('replaced'));
    assert.ok(going.metadata?.deletionTimestamp, 'deletion started');
    assert.deepEqual(going.metadata?.finalizers, ['foregroundDeletion']);
  });
});
