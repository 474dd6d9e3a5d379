// Namespaces the local cluster's suites and scripts need: created once, whoever comes first.
import type { KubeClient } from '../operator/kube/client.js';
import { isStatus } from '../operator/kube/errors.js';

/** Creates each namespace unless it exists (another suite or an earlier run may have made it). */
export async function ensureNamespaces(client: KubeClient, names: Iterable<string>): Promise<void> {
  for (const name of names) {
    await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).catch((e: unknown) => {
      if (!isStatus(e, 409)) throw e;
    });
  }
}
