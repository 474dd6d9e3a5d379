import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterVersionOf, compareMinor, infrastructureFacts, openshiftAtLeast } from './openshift.js';

const cv = (desired: string | undefined, history: [string, string][]) => ({
  apiVersion: 'config.openshift.io/v1',
  kind: 'ClusterVersion',
  metadata: { name: 'version' },
  status: { desired: desired ? { version: desired } : undefined, history: history.map(([version, state]) => ({ version, state })) },
});

describe('OpenShift facts', () => {
  it('version: the completed release, the older one while an update is in progress, unknown before any', () => {
    assert.equal(
      clusterVersionOf(
        cv('4.21.3', [
          ['4.21.3', 'Completed'],
          ['4.19.9', 'Completed'],
        ]),
      ),
      '4.21',
    );
    assert.equal(
      clusterVersionOf(
        cv('4.21.3', [
          ['4.21.3', 'Partial'],
          ['4.19.9', 'Completed'],
        ]),
      ),
      '4.19',
      'mid-update: nodes may still run 4.19',
    );
    assert.equal(clusterVersionOf(cv('4.19.2', [['4.21.0', 'Completed']])), '4.19', 'a rollback target is older');
    assert.equal(clusterVersionOf(cv('4.21.0', [['4.21.0', 'Partial']])), undefined, 'installing: no completed release yet');
    assert.equal(clusterVersionOf(undefined), undefined);
    assert.equal(clusterVersionOf(cv('garbage', [['4.17.1', 'Completed']])), '4.17');
  });

  it('minor versions compare numerically; unknown is never "at least"', () => {
    assert.ok((compareMinor('4.9', '4.21') ?? 0) < 0);
    assert.ok(openshiftAtLeast({ version: '4.21' }, '4.21'));
    assert.ok(openshiftAtLeast({ version: '5.0' }, '4.21'));
    assert.ok(!openshiftAtLeast({ version: '4.19' }, '4.21'));
    assert.ok(!openshiftAtLeast({}, '4.17'));
    assert.ok(!openshiftAtLeast(undefined, '4.17'));
  });

  it('infrastructure: topology and platform, the older status.platform as a fallback', () => {
    const infra = {
      apiVersion: 'config.openshift.io/v1',
      kind: 'Infrastructure',
      metadata: { name: 'cluster' },
      status: { controlPlaneTopology: 'SingleReplica', infrastructureTopology: 'SingleReplica', platformStatus: { type: 'BareMetal' } },
    };
    assert.deepEqual(infrastructureFacts(infra), { controlPlaneTopology: 'SingleReplica', infrastructureTopology: 'SingleReplica', platform: 'BareMetal' });
    assert.deepEqual(infrastructureFacts({ kind: 'Infrastructure', status: { platform: 'None' } }), {
      controlPlaneTopology: undefined,
      infrastructureTopology: undefined,
      platform: 'None',
    });
    assert.deepEqual(infrastructureFacts(undefined), { controlPlaneTopology: undefined, infrastructureTopology: undefined, platform: undefined });
  });
});
