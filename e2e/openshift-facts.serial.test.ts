// The OpenShift facts of the render context come from the watch layer: ClusterVersion "version"
// and Infrastructure "cluster", watched while their CRDs are installed, against the real API
// server. Serial: the objects are cluster-wide singletons other suites must not see.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeClient } from '../operator/kube/client.js';
import { ClusterCache, type Change } from '../operator/watch/cluster-cache.js';
import { testCluster } from '../envtest/harness.js';
import { eventually } from './support/operator-fixture.js';
import { CV, cvEntry, setClusterVersion } from './support/cluster-version.js';

const INFRA = '/apis/config.openshift.io/v1/infrastructures/cluster';

describe('OpenShift facts from ClusterVersion and Infrastructure (watch layer)', () => {
  let client: KubeClient;
  let cache: ClusterCache;
  const changes: Change[] = [];

  before(async () => {
    client = (await testCluster()).admin;
    cache = new ClusterCache(client, { onChange: (c) => changes.push(c) });
    await cache.start();
  });

  after(async () => {
    cache.stop();
    await client.delete(CV).catch(() => undefined);
    await client.delete(INFRA).catch(() => undefined);
  });

  it('unknown until the objects exist: the conservative side', () => {
    assert.deepEqual(cache.facts().openshift, { version: undefined, controlPlaneTopology: undefined, infrastructureTopology: undefined, platform: undefined });
    assert.ok(cache.synced);
  });

  it('reads the completed release and the topology, and says when they change', async () => {
    await setClusterVersion(client, '4.21.2', [cvEntry('4.21.2', 'Completed')]);
    await client.create('/apis/config.openshift.io/v1/infrastructures', {
      apiVersion: 'config.openshift.io/v1',
      kind: 'Infrastructure',
      metadata: { name: 'cluster' },
      spec: {},
    });
    await client.apply(
      `${INFRA}/status`,
      {
        apiVersion: 'config.openshift.io/v1',
        kind: 'Infrastructure',
        metadata: { name: 'cluster' },
        status: {
          controlPlaneTopology: 'SingleReplica',
          infrastructureTopology: 'SingleReplica',
          platform: 'BareMetal',
          platformStatus: { type: 'BareMetal' },
          infrastructureName: 'x',
          apiServerURL: 'https://api.x:6443',
          apiServerInternalURI: 'https://api-int.x:6443',
          etcdDiscoveryDomain: '',
          cpuPartitioning: 'None',
        },
      },
      { fieldManager: 'installer' },
    );
    const facts = await eventually('the facts', () => {
      const f = cache.facts().openshift;
      return f?.version === '4.21' && f.platform === 'BareMetal' ? f : undefined;
    });
    assert.deepEqual(facts, { version: '4.21', controlPlaneTopology: 'SingleReplica', infrastructureTopology: 'SingleReplica', platform: 'BareMetal' });
    assert.ok(changes.some((c) => c.type === 'openshift'));
  });

  it('mid-update the nodes may still run the previous release: the older version counts', async () => {
    await setClusterVersion(client, '4.22.0', [cvEntry('4.22.0', 'Partial'), cvEntry('4.21.2', 'Completed')]);
    await eventually('the desired version seen', async () => (await client.get(CV)).status !== undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(cache.facts().openshift?.version, '4.21');
    await setClusterVersion(client, '4.19.5', [cvEntry('4.21.2', 'Completed')]);
    await eventually('a downgrade target counts', () => cache.facts().openshift?.version === '4.19');
  });

  it('status churn that changes no fact emits nothing; deleting the object makes the version unknown again', async () => {
    const before = changes.filter((c) => c.type === 'openshift').length;
    await setClusterVersion(client, '4.19.5', [cvEntry('4.21.2', 'Completed'), cvEntry('4.19.1', 'Completed')]);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(changes.filter((c) => c.type === 'openshift').length, before);
    await client.delete(CV);
    await eventually('unknown again', () => cache.facts().openshift?.version === undefined);
  });
});
