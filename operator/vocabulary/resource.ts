// Maps apiVersion/kind to REST resources: built-in kinds from a fixed table, custom kinds from
// the CRDs currently installed (so a kind whose CRD is missing resolves to nothing).
import type { CrdInfo } from './crd-info.js';
import { parseApiVersion, resourcePath, type KubeObject } from './object.js';

export interface ResourceRef {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const core = (kind: string, plural: string, namespaced: boolean): ResourceRef => ({ group: '', version: 'v1', kind, plural, namespaced });
const grp = (group: string, version: string, kind: string, plural: string, namespaced: boolean): ResourceRef => ({ group, version, kind, plural, namespaced });

/** Built-in kinds the operator or its assets use (tested against the API server's discovery). */
export const BUILTIN_RESOURCES: ResourceRef[] = [
  core('Namespace', 'namespaces', false),
  core('ConfigMap', 'configmaps', true),
  core('Secret', 'secrets', true),
  core('ServiceAccount', 'serviceaccounts', true),
  core('Service', 'services', true),
  core('Event', 'events', true),
  core('Node', 'nodes', false),
  grp('apps', 'v1', 'Deployment', 'deployments', true),
  grp('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  grp('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  grp('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  grp('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  grp('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  grp('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
  grp('scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false),
];

export function resolveResource(apiVersion: string, kind: string, crds: ReadonlyMap<string, CrdInfo>): ResourceRef | undefined {
  const { group, version } = parseApiVersion(apiVersion);
  const builtin = BUILTIN_RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind);
  if (builtin) return builtin;
  for (const c of crds.values()) {
    if (c.group === group && c.kind === kind && c.servedVersions.includes(version)) {
      return { group, version, kind, plural: c.plural, namespaced: c.namespaced };
    }
  }
  return undefined;
}

/** The version a CRD is best read at: its storage version when served, else its first served one. */
export function preferredVersion(crd: CrdInfo): string | undefined {
  return crd.servedVersions.includes(crd.storageVersion) ? crd.storageVersion : crd.servedVersions[0];
}

/** The resources of a kind known only by its name: the built-in kind, and every installed CRD of
 *  that name (each at its preferred version). */
export function resourcesOfKind(kind: string, crds: ReadonlyMap<string, CrdInfo>): ResourceRef[] {
  const out = BUILTIN_RESOURCES.filter((r) => r.kind === kind);
  for (const c of crds.values()) {
    const version = preferredVersion(c);
    if (c.kind === kind && version) out.push({ group: c.group, version, kind, plural: c.plural, namespaced: c.namespaced });
  }
  return out;
}

/** Group and kind: what a cache of one kind, and an object's identity, are about (not its version). */
export type GroupKind = Pick<ResourceRef, 'group' | 'kind'>;

/** Identifies one object across versions: "<group|core>/<Kind>/<namespace>/<name>". The only key
 *  shape for an object; built only by objectKey. */
export type ObjectKey = string & { readonly __brand: 'ObjectKey' };

/** @param namespace undefined (or "") for a cluster-scoped object */
export function objectKey(gk: GroupKind, namespace: string | undefined, name: string): ObjectKey {
  return `${gk.group || 'core'}/${gk.kind}/${namespace ?? ''}/${name}` as ObjectKey;
}

/** The key of an object as addressed through a resource (a cluster-scoped one has no namespace). */
export function keyOf(r: ResourceRef, obj: KubeObject): ObjectKey {
  return objectKey(r, r.namespaced ? obj.metadata?.namespace : undefined, obj.metadata?.name ?? '');
}

export function pathOf(r: ResourceRef, obj: KubeObject): string {
  return resourcePath(r, r.namespaced ? obj.metadata?.namespace : undefined, obj.metadata?.name);
}
