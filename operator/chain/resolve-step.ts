// Resolve: how to address the rendered object. A kind whose CRD is not installed, or a target
// namespace that does not exist (the operator it configures is not installed), is a soft
// dependency: skip, never fail. The facts answer for the cluster at hand (offline without CRDs,
// every kind counts as served: watch/offline-cluster.ts).
import { keyOf } from '../vocabulary/resource.js';
import type { Step } from './builder.js';
import type { Addressed, Rendered } from './run.js';

export function resolveStep(): Step<Rendered, Addressed> {
  return async (run, next) => {
    const d = run.desired;
    const resource = run.facts.resourceFor(d);
    if (!resource) {
      return {
        status: 'skipped',
        reason: 'CRDMissing',
        message: `asset ${run.asset.name}: no installed CRD serves ${d.kind} ${d.apiVersion}; skipped until it is installed`,
      };
    }
    const { namespace, ...meta } = d.metadata ?? {};
    if (resource.namespaced && !namespace) {
      return {
        status: 'failed',
        reason: 'RenderFailed',
        message: `asset ${run.asset.name}: ${d.kind} is namespaced but the template sets no metadata.namespace`,
      };
    }
    if (resource.namespaced && namespace && !run.facts.objectExists('Namespace', '', namespace)) {
      return { status: 'skipped', message: `namespace ${namespace} does not exist (the operator it configures is not installed)` };
    }
    // A cluster-scoped object carries no namespace, whatever the template wrote.
    const desired = resource.namespaced ? d : { ...d, metadata: meta };
    return next({ ...run, desired, resource, key: keyOf(resource, desired) });
  };
}
