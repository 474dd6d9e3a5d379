// Before explain reads the cluster: who the caller is (a SelfSubjectReview, else the kubeconfig's
// user name), whether the API server answers at all, and whether the caller may list what explain
// reads. Each failure is one clear sentence naming the server and the caller's identity — explain
// runs with the caller's credentials, never the operator's ServiceAccount, so a 403 is the
// caller's to fix.
import type { KubeClient } from '../kube/client.js';
import { KubeError } from '../kube/errors.js';
import type { KubeObject } from '../vocabulary/object.js';
import { UsageError } from './usage-error.js';

/** What explain lists (through the same informers the operator uses). */
export const EXPLAIN_READS: { what: string; path: string; group: string; resource: string }[] = [
  {
    what: 'CustomResourceDefinitions',
    path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    group: 'apiextensions.k8s.io',
    resource: 'customresourcedefinitions',
  },
  { what: 'Nodes', path: '/api/v1/nodes', group: '', resource: 'nodes' },
  { what: 'Namespaces', path: '/api/v1/namespaces', group: '', resource: 'namespaces' },
];

type SelfSubjectReview = KubeObject & { status?: { userInfo?: { username?: string } } };

/** The caller's user name as the API server sees it. */
export async function whoAmI(client: KubeClient): Promise<string> {
  const fallback = `kubeconfig user "${client.config.getCurrentUser()?.name ?? '(none)'}"`;
  try {
    const r = await client.create<SelfSubjectReview>('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    return r.status?.userInfo?.username ? `"${r.status.userInfo.username}"` : fallback;
  } catch (e) {
    if (e instanceof KubeError && e.status === 401) {
      throw new UsageError(
        `the API server at ${client.server.origin} rejected the credentials of ${fallback} (401 Unauthorized): check --kubeconfig / $KUBECONFIG`,
      );
    }
    if (e instanceof KubeError) return fallback; // an older server without SelfSubjectReview, or not allowed to ask
    throw new UsageError(`cannot reach the API server at ${client.server.origin}: ${(e as Error).message}`);
  }
}

/** Throws a UsageError naming the caller when one of explain's lists is forbidden. */
export async function checkReads(
  client: KubeClient,
  identity: string,
  extra: { what: string; path: string; group: string; resource: string }[] = [],
): Promise<void> {
  for (const r of [...EXPLAIN_READS, ...extra]) {
    try {
      await client.request('GET', r.path, { query: { limit: 1 }, verb: 'list' });
    } catch (e) {
      if (e instanceof KubeError && e.status === 403) {
        throw new UsageError(
          `you (${identity}) may not list ${r.what} (${r.resource}${r.group ? `.${r.group}` : ''}): explain reads the cluster with your own ` +
            `credentials, not the operator's ServiceAccount. Grant your user get/list/watch on it, or run explain with a kubeconfig that may ` +
            `(server: ${e.body?.message ?? e.message})`,
        );
      }
      if (e instanceof KubeError) throw new UsageError(`listing ${r.what} failed: ${e.message}`);
      throw new UsageError(`cannot reach the API server at ${client.server.origin}: ${(e as Error).message}`);
    }
  }
}
