// Step 1b: find how to address the rendered object. A kind whose CRD is not installed, or a
// target namespace that does not exist (the operator it configures is not installed), is a soft
// dependency: skip, never fail.
import { objectKey, resolveResource, type ResourceRef } from '../vocabulary/resource.js';
import { parseApiVersion, type KubeObject } from '../vocabulary/object.js';
import type { Step } from './types.js';

/** Offline without CRDs: address the object as its template says (scope from its namespace). */
function assumedResource(d: KubeObject): ResourceRef {
  const { group, version } = parseApiVersion(d.apiVersion!);
  return { group, version, kind: d.kind!, plural: `${d.kind!.toLowerCase()}s`, namespaced: Boolean(d.metadata?.namespace) };
}

export function resolveStep(): Step {
  return async (run, next) => {
    const d = run.desired!;
    const r = resolveResource(d.apiVersion!, d.kind!, run.facts.crds) ?? (run.facts.assumeCrdsInstalled ? assumedResource(d) : undefined);
    if (!r) {
      return { status: 'skipped', reason: 'CRDMissing', message: `asset ${run.asset.name}: no installed CRD serves ${d.kind} ${d.apiVersion}; skipped until it is installed` };
    }
    const ns = d.metadata?.namespace;
    if (r.namespaced && !ns) return { status: 'failed', reason: 'RenderFailed', message: `asset ${run.asset.name}: ${d.kind} is namespaced but the template sets no metadata.namespace` };
    if (!r.namespaced && ns) delete d.metadata!.namespace;
    if (r.namespaced && !run.facts.objectExists('Namespace', '', ns!)) {
      return { status: 'skipped', message: `namespace ${ns} does not exist (the operator it configures is not installed)` };
    }
    run.resource = r;
    run.key = objectKey(r, r.namespaced ? ns : undefined, d.metadata!.name!);
    return next();
  };
}
