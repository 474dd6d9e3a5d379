// HTTP/2 to the real API server: one TLS connection carries every request and watch (client-go's
// way; over HTTP/1.1 each watch held a connection of its own), and a lost connection is replaced
// on the next request while the watches on it end with an error their informers retry.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { testCluster, testNamespace, type TestCluster } from '../envtest/harness.js';
import { tokenKubeconfig } from '../localcluster/controlplane.js';
import { KubeClient } from '../operator/kube/client.js';
import { Informer } from '../operator/watch/informer.js';
import type { KubeObject } from '../operator/vocabulary/object.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A TCP relay to the API server (TLS and ALPN pass through untouched) whose connections the test
 *  can cut, as a network fault would. */
async function relay(cluster: TestCluster): Promise<{ client: KubeClient; cut: () => void; stop: () => Promise<void> }> {
  const target = new URL(cluster.server);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(Number(target.port), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const kc = tokenKubeconfig(`https://127.0.0.1:${port}`, cluster.caFile, cluster.adminToken, 'admin');
  const client = new KubeClient(kc, 'http2-test');
  return {
    client,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    stop: async () => {
      client.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('HTTP/2 to the API server', () => {
  it('one TLS connection carries every request and every watch', async () => {
    const cluster = await testCluster();
    const ns = await testNamespace(cluster, 'h2');
    const client = new KubeClient(cluster.kubeconfigForToken(cluster.adminToken, 'admin'), 'http2-test');
    const seen: string[][] = [[], [], [], [], []];
    const kinds = ['configmaps', 'secrets', 'serviceaccounts', 'services', 'events'];
    const watches = await Promise.all(
      kinds.map((k, i) =>
        client.watch(
          `/api/v1/namespaces/${ns}/${k}`,
          {},
          (type, o) => void seen[i]!.push(`${type} ${o.metadata?.name}`),
          () => undefined,
        ),
      ),
    );
    try {
      // Twenty requests at once, as the operator's start-up sends them.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => client.create(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: `cm-${i}` }, data: { i: String(i) } })),
      );
      const list = await client.listAll(`/api/v1/namespaces/${ns}/configmaps`, {}, 7);
      assert.equal(list.items.filter((o) => o.metadata?.name?.startsWith('cm-')).length, 20, 'paged list over the session');
      await client.create(`/api/v1/namespaces/${ns}/secrets`, { metadata: { name: 's' } });
      await until('the watches to see the writes', () => seen[0]!.length >= 20 && seen[1]!.includes('ADDED s'));
      assert.deepEqual(client.transport(), { protocol: 'h2', http2Connections: 1 });
    } finally {
      for (const ac of watches) ac.abort();
      client.close();
    }
  });

  it('a cut connection: the watches on it end with an error, the next request opens a new one, an informer resumes', async () => {
    const cluster = await testCluster();
    const ns = await testNamespace(cluster, 'h2cut');
    const r = await relay(cluster);
    const informer = new Informer<KubeObject>(r.client, {
      kind: { group: '', kind: 'ConfigMap' },
      name: 'h2-configmaps',
      path: `/api/v1/namespaces/${ns}/configmaps`,
      project: (o) => o,
    });
    let watchEnded: unknown = 'open';
    const ac = await r.client.watch(
      `/api/v1/namespaces/${ns}/secrets`,
      {},
      () => undefined,
      (err) => (watchEnded = err),
    );
    try {
      informer.start();
      await informer.synced;
      await r.client.create(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'before' } });
      await until('the informer to see "before"', () => [...informer.list()].some((o) => o.metadata?.name === 'before'));
      assert.equal(r.client.transport().http2Connections, 1);

      r.cut();
      await until('the watch to end', () => watchEnded !== 'open');
      assert.ok(watchEnded instanceof Error, `a watch on a lost connection ends with an error, not quietly: ${String(watchEnded)}`);

      await r.client.create(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'after' } });
      await until('the informer to see "after" on the new connection', () => [...informer.list()].some((o) => o.metadata?.name === 'after'));
      assert.deepEqual(r.client.transport(), { protocol: 'h2', http2Connections: 2 });
    } finally {
      informer.stop();
      ac.abort();
      await r.stop();
    }
  });
});
