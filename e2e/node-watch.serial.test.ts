// The Node watch against the real API server: labels (metadata-only watch) and master
// schedulability (the masters' own watch) are seen at once; extended-resource capacity after a
// scan, and a burst of new Nodes costs one or two scans, not one per Node; nothing changes,
// nothing is scanned. And a watch the server ends is resumed at once, without backoff. Serial:
// Nodes are cluster-wide.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testCluster } from '../envtest/harness.js';
import { KubeClient } from '../operator/kube/client.js';
import { listMetadata } from '../operator/kube/metadata-proto.js';
import { decodeNodeCapacityList } from '../operator/kube/node-capacity-proto.js';
import { PROTOBUF } from '../operator/kube/protobuf.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { ClusterCache } from '../operator/watch/cluster-cache.js';
import { Informer } from '../operator/watch/informer.js';
import { eventually } from './support/operator-fixture.js';

const TEST_LABEL = 'virt-platform-operator.test/node-watch';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Node watch (real API server)', () => {
  let admin: KubeClient;
  let client: KubeClient;
  let cache: ClusterCache;
  let changes = 0;

  const deleteTestNodes = async (): Promise<void> => {
    const nodes = await admin.listAll('/api/v1/nodes', { labelSelector: TEST_LABEL });
    await Promise.all(nodes.items.map((n) => admin.delete(`/api/v1/nodes/${n.metadata!.name!}`).catch(() => undefined)));
  };
  const node = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { ...labels, [TEST_LABEL]: 'true' } },
    spec,
  });

  before(async () => {
    const cluster = await testCluster();
    admin = cluster.admin;
    await deleteTestNodes();
    client = new KubeClient(cluster.kubeconfigForToken(cluster.adminToken, 'admin'));
    cache = new ClusterCache(client, { onChange: (c) => void (c.type === 'nodes' && changes++), capacityScan: { minIntervalMs: 1000, quietMs: 300 } });
    await cache.start();
  });
  after(async () => {
    cache?.stop();
    client?.close();
    await deleteTestNodes();
  });

  it('a burst of 40 new Nodes is one or two capacity scans, and no fact change when no fact changed', async () => {
    const scans = cache.capacityScans;
    const before = changes;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        admin.create('/api/v1/nodes', node(`vpo-nw-${i}`, { 'node-role.kubernetes.io/worker': '', 'feature.node.kubernetes.io/cpu-cpuid.AVX2': 'true' })),
      ),
    );
    await eventually('every Node in the cache and scanned', () => Promise.resolve(cache.nodes.size >= 40 && cache.capacityScanned >= 40));
    const burst = cache.capacityScans - scans;
    assert.ok(burst >= 1 && burst <= 2, `${burst} scans for 40 Nodes`);
    // 40 alike workers: the first makes a single-node cluster with workers, the second ends
    // single-node; the other 38 change no fact.
    assert.ok(changes - before <= 2, `${changes - before} fact changes`);
    await sleep(2500);
    assert.equal(cache.capacityScans - scans, burst, 'nothing changed: no scan');
  });

  it('a label is seen at once; an extended resource in status after a scan', async () => {
    assert.equal(cache.facts().hardware.numaNodesPresent, false);
    await admin.mergePatch('/api/v1/nodes/vpo-nw-0', { metadata: { labels: { 'feature.node.kubernetes.io/memory-numa': 'true' } } });
    await eventually('NUMA seen', () => Promise.resolve(cache.facts().hardware.numaNodesPresent), 2000);
    assert.equal(cache.facts().hardware.gpuPresent, false);
    await admin.request('PATCH', '/api/v1/nodes/vpo-nw-1/status', {
      body: { status: { capacity: { cpu: '8', 'nvidia.com/gpu': '1' } } },
      contentType: 'application/merge-patch+json',
    });
    await eventually('GPU capacity seen', () => Promise.resolve(cache.facts().hardware.gpuPresent), 5000);
    await admin.request('PATCH', '/api/v1/nodes/vpo-nw-1/status', {
      body: { status: { capacity: { 'nvidia.com/gpu': null } } },
      contentType: 'application/merge-patch+json',
    });
    await eventually('GPU capacity gone', () => Promise.resolve(!cache.facts().hardware.gpuPresent), 5000);
  });

  it('the protobuf capacity list the scan reads says what the JSON list says', async () => {
    await admin.request('PATCH', '/api/v1/nodes/vpo-nw-3/status', {
      body: {
        status: {
          capacity: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '2', 'intel.com/sriov_netdevice': '8' },
          images: [{ names: ['quay.io/x/y:1'], sizeBytes: 5 }],
        },
      },
      contentType: 'application/merge-patch+json',
    });
    const fromJson = new Map<string, string[]>();
    for (const n of (await admin.listAll('/api/v1/nodes', {}, 7)).items)
      fromJson.set(n.metadata!.name!, Object.keys((n.status as { capacity?: object } | undefined)?.capacity ?? {}).sort());
    const fromProto = new Map<string, string[]>();
    let cont = '';
    do {
      const { body, contentType } = await admin.requestBytes('GET', '/api/v1/nodes', { query: { limit: 7, continue: cont || undefined }, accept: PROTOBUF });
      assert.equal(contentType, PROTOBUF);
      const page = decodeNodeCapacityList(body);
      for (const n of page.nodes) fromProto.set(n.name, n.capacityKeys.sort());
      cont = page.continueToken;
    } while (cont);
    assert.ok(fromJson.size >= 40);
    assert.deepEqual(fromProto, fromJson);
    assert.deepEqual(fromProto.get('vpo-nw-3'), ['cpu', 'intel.com/sriov_netdevice', 'memory', 'nvidia.com/gpu']);
  });

  it('the protobuf metadata list the Node watch reads says what the JSON list says (names, resourceVersions, labels)', async () => {
    const json = (await admin.listAll('/api/v1/nodes')).items.map((n) => ({
      name: n.metadata!.name,
      resourceVersion: n.metadata!.resourceVersion,
      labels: n.metadata!.labels,
    }));
    const proto: typeof json = [];
    const { resourceVersion } = await listMetadata(
      admin,
      '/api/v1/nodes',
      {},
      9,
      (n) => void proto.push({ name: n.metadata!.name, resourceVersion: n.metadata!.resourceVersion, labels: n.metadata!.labels }),
    );
    assert.ok(json.length >= 40 && Number(resourceVersion) > 0);
    assert.deepEqual(proto, json);
  });

  it('a master: cordon and role taint from its own watch, at once', async () => {
    await admin.create(
      '/api/v1/nodes',
      node(
        'vpo-nw-master',
        { 'node-role.kubernetes.io/control-plane': '' },
        { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
      ),
    );
    await eventually('master counted', () => Promise.resolve(cache.facts().topology.masters === 1), 2000);
    assert.equal(cache.facts().topology.hasSchedulableMasters, false);
    await admin.mergePatch('/api/v1/nodes/vpo-nw-master', { spec: { taints: null } });
    await eventually('schedulable once untainted', () => Promise.resolve(cache.facts().topology.hasSchedulableMasters), 2000);
    await admin.mergePatch('/api/v1/nodes/vpo-nw-master', { spec: { unschedulable: true } });
    await eventually('not schedulable once cordoned', () => Promise.resolve(!cache.facts().topology.hasSchedulableMasters), 2000);
  });

  it('a watch the server ends is resumed at once (no backoff): a change after each end is seen within a second', async () => {
    const seen: number[] = [];
    const informer = new Informer(client, {
      kind: { group: '', kind: 'Node' },
      name: 'short-watches',
      path: '/api/v1/nodes',
      labelSelector: TEST_LABEL,
      metadataOnly: true,
      watchTimeoutSeconds: 1,
      onEvent: (type, o) => void (type === 'update' && o.metadata?.labels?.['vpo-tick'] && seen.push(Date.now())),
    });
    let watches = 0;
    client.onRequest((verb, path) => void (verb === 'watch' && path === '/api/v1/nodes' && watches++));
    informer.start();
    try {
      await informer.synced;
      const w0 = watches;
      for (let i = 0; i < 4; i++) {
        await sleep(1200); // the server has ended the previous watch
        const sent = Date.now();
        await admin.mergePatch('/api/v1/nodes/vpo-nw-2', { metadata: { labels: { 'vpo-tick': String(i) } } });
        await eventually(`tick ${i} seen`, () => Promise.resolve(seen.length > i), 3000);
        assert.ok(seen[i]! - sent < 1000, `tick ${i} seen after ${seen[i]! - sent} ms`);
      }
      assert.ok(watches - w0 >= 4, `${watches - w0} watches in ~5 s of 1-second watches`);
    } finally {
      informer.stop();
    }
  });
});
