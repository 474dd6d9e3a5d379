// The OpenShift ClusterVersion "version" as the cluster-version operator writes it, for suites that
// need a release (its CRD is installed by the harness; the object is a cluster-wide singleton).
import type { KubeClient } from '../../operator/kube/client.js';

export const CV = '/apis/config.openshift.io/v1/clusterversions/version';
const WHEN = '2026-01-01T00:00:00Z';

/** One status.history entry. */
export const cvEntry = (version: string, state: 'Completed' | 'Partial') => ({
  version,
  state,
  image: `quay.io/ocp:${version}`,
  startedTime: WHEN,
  completionTime: WHEN,
  verified: true,
});

/** Creates the ClusterVersion if missing and sets its status (desired release and history). */
export async function setClusterVersion(client: KubeClient, desired: string, history = [cvEntry(desired, 'Completed')]): Promise<void> {
  if (!(await client.getOrUndefined(CV))) {
    await client.create('/apis/config.openshift.io/v1/clusterversions', {
      apiVersion: 'config.openshift.io/v1',
      kind: 'ClusterVersion',
      metadata: { name: 'version' },
      spec: { clusterID: '6b3a1f0e-5d4c-4b7a-9c1e-2f3d4e5a6b7c' },
    });
  }
  await client.apply(
    `${CV}/status`,
    {
      apiVersion: 'config.openshift.io/v1',
      kind: 'ClusterVersion',
      metadata: { name: 'version' },
      status: { desired: { version: desired, image: `quay.io/ocp:${desired}` }, history, availableUpdates: null, observedGeneration: 1, versionHash: 'x' },
    },
    { fieldManager: 'cluster-version-operator' },
  );
}
