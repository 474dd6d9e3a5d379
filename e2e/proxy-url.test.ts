// The kubeconfig's proxy-url against the real API server (https: a CONNECT tunnel): REST calls and
// watches alike go through the proxy, and nothing reaches the server once the proxy is gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../operator/kube/client.js';
import { testCluster, testNamespace, type TestCluster } from '../envtest/harness.js';
import { ForwardProxy } from './support/forward-proxy.js';

describe('kubeconfig proxy-url (real API server)', () => {
  let cluster: TestCluster;
  let ns: string;
  let proxy: ForwardProxy;
  let client: KubeClient;
  before(async () => {
    cluster = await testCluster();
    ns = await testNamespace(cluster, 'proxy');
    proxy = new ForwardProxy();
    const proxyUrl = await proxy.start();
    const base = cluster.kubeconfigForToken(cluster.adminToken, 'admin');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: base.clusters.map((c) => ({ ...c, proxyUrl })),
      users: base.users,
      contexts: base.contexts,
      currentContext: base.currentContext,
    });
    client = new KubeClient(kc);
  });
  after(async () => {
    client.close();
    await proxy.stop();
  });

  it('takes reads, applies, lists and watches through the proxy', async () => {
    const server = new URL(cluster.server).host;
    const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { a: '1' } });
    const events: string[] = [];
    let done: (() => void) | undefined;
    const seenB = new Promise<void>((r) => (done = r));
    const watch = await client.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      {},
      (type, o) => {
        events.push(`${type} ${o.metadata?.name}`);
        if (o.metadata?.name === 'b') done?.();
      },
      () => undefined,
    );
    try {
      await client.apply(`/api/v1/namespaces/${ns}/configmaps/a`, cm('a'));
      assert.equal((await client.get(`/api/v1/namespaces/${ns}/configmaps/a`)).metadata?.name, 'a');
      assert.deepEqual(
        (await client.listAll(`/api/v1/namespaces/${ns}/configmaps`)).items.map((o) => o.metadata?.name).filter((n) => n !== 'kube-root-ca.crt'),
        ['a'],
      );
      await client.apply(`/api/v1/namespaces/${ns}/configmaps/b`, cm('b'));
      await seenB;
    } finally {
      watch.abort();
    }
    assert.ok(events.includes('ADDED b'), events.join(', '));
    assert.ok(proxy.seen.length >= 2, proxy.seen.join(', '));
    assert.ok(
      proxy.seen.every((s) => s === `CONNECT ${server}`),
      proxy.seen.join(', '),
    );
  });

  it('reaches nothing once the proxy is gone', async () => {
    await proxy.stop();
    await assert.rejects(client.get(`/api/v1/namespaces/${ns}`), /ECONNREFUSED/);
    // The admin's own client (no proxy-url) still reaches the server.
    assert.equal((await cluster.admin.get(`/api/v1/namespaces/${ns}`)).metadata?.name, ns);
  });
});
