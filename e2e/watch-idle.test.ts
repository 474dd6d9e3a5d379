// An idle watch stays open: client-node 2.x would end it after 30 s without data, and an informer
// would then send a new watch request every 30 s per collection at steady state (the bench's idle
// minute counted 22). KubeClient.watch lets the server's timeoutSeconds decide instead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testCluster, testNamespace } from '../envtest/harness.js';
import { KubeClient } from '../operator/kube/client.js';

describe('an idle watch', () => {
  it("stays open past client-node's 30 s inactivity timeout, without a new request", async () => {
    const cluster = await testCluster();
    const ns = await testNamespace(cluster, 'idle');
    const client = new KubeClient(cluster.kubeconfigForToken(cluster.adminToken, 'admin'));
    const requests: string[] = [];
    client.onRequest((verb, path) => requests.push(`${verb} ${path}`));
    let ended: unknown = 'open';
    const events: string[] = [];
    const ac = await client.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { timeoutSeconds: 120, allowWatchBookmarks: true },
      (type) => events.push(type),
      (err) => (ended = err ?? 'closed'),
    );
    try {
      await new Promise((r) => setTimeout(r, 36_000));
      assert.equal(ended, 'open', `the watch ended after 36 s idle: ${String(ended)}`);
      assert.deepEqual(requests, [`watch /api/v1/namespaces/${ns}/configmaps`]);
      // Still a live watch: the next change arrives on it.
      await cluster.admin.create(`/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ping' } });
      const deadline = Date.now() + 10_000;
      while (!events.includes('ADDED') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(events.includes('ADDED'), `events on the idle watch: ${events.join(',')}`);
    } finally {
      ac.abort();
      client.close();
    }
  });
});
