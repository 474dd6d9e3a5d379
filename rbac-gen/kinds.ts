// Kind → REST resource for rbac-gen. Custom kinds resolve through the CRD folder (the plural and
// scope the CRD declares); built-in kinds through a fixed table: the operator's own
// BUILTIN_RESOURCES plus the other built-in kinds an asset could plausibly manage. The table is
// checked against a real API server's discovery (kinds.test.ts), so a wrong plural cannot ship.
import { BUILTIN_RESOURCES, type ResourceRef } from '../operator/vocabulary/resource.js';
import type { CrdInfo } from '../operator/vocabulary/crd-info.js';
import { parseApiVersion } from '../operator/vocabulary/object.js';

const ref = (group: string, version: string, kind: string, plural: string, namespaced: boolean): ResourceRef => ({ group, version, kind, plural, namespaced });

/** Built-in kinds not in BUILTIN_RESOURCES that assets may render. */
export const EXTRA_BUILTIN_RESOURCES: ResourceRef[] = [
  ref('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true),
  ref('', 'v1', 'LimitRange', 'limitranges', true),
  ref('', 'v1', 'ResourceQuota', 'resourcequotas', true),
  ref('apps', 'v1', 'DaemonSet', 'daemonsets', true),
  ref('apps', 'v1', 'StatefulSet', 'statefulsets', true),
  ref('batch', 'v1', 'Job', 'jobs', true),
  ref('batch', 'v1', 'CronJob', 'cronjobs', true),
  ref('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true),
  ref('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true),
  ref('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false),
  ref('admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false),
  ref('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
];

export const BUILTIN_TABLE: readonly ResourceRef[] = [...BUILTIN_RESOURCES, ...EXTRA_BUILTIN_RESOURCES];

export interface MappedKind {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  /** Where the plural came from: the built-in table or the named CRD. */
  source: string;
}

export class MappingError extends Error {
  override name = 'MappingError';
}

const gv = (group: string, version: string): string => (group ? `${group}/${version}` : version);

/**
 * Maps apiVersion + kind to a resource. Built-in kinds must match the table exactly (group,
 * version, kind); custom kinds must be served at that version by a CRD in the folder.
 */
export function mapKind(apiVersion: string, kind: string, crds: readonly CrdInfo[]): MappedKind {
  const { group, version } = parseApiVersion(apiVersion);
  const builtin = BUILTIN_TABLE.find((r) => r.group === group && r.kind === kind);
  if (builtin) {
    if (builtin.version !== version) throw new MappingError(`${kind} ${apiVersion}: the API server serves ${kind} as ${gv(group, builtin.version)}`);
    return { group, version, kind, resource: builtin.plural, namespaced: builtin.namespaced, source: 'built-in' };
  }
  const crd = crds.find((c) => c.group === group && c.kind === kind);
  if (!crd) {
    throw new MappingError(
      `${kind} ${apiVersion}: no CRD for it in the CRD folder and not a known built-in kind ` +
        `(add the CRD to localcluster/fixture-crds and ../shared/crds, or the built-in kind to rbac-gen/kinds.ts)`,
    );
  }
  if (!crd.servedVersions.includes(version)) {
    throw new MappingError(`${kind} ${apiVersion}: CRD ${crd.name} does not serve ${version} (served: ${crd.servedVersions.join(', ')})`);
  }
  return { group, version, kind, resource: crd.plural, namespaced: crd.namespaced, source: crd.name };
}

/** Maps a kind known only by name (a template that rendered nothing): it must be unambiguous. */
export function mapKindByName(kind: string, crds: readonly CrdInfo[]): MappedKind {
  const hits: MappedKind[] = [
    ...BUILTIN_TABLE.filter((r) => r.kind === kind).map((r) => ({
      group: r.group,
      version: r.version,
      kind,
      resource: r.plural,
      namespaced: r.namespaced,
      source: 'built-in',
    })),
    ...crds
      .filter((c) => c.kind === kind)
      .map((c) => ({ group: c.group, version: c.storageVersion, kind, resource: c.plural, namespaced: c.namespaced, source: c.name })),
  ];
  const groups = new Set(hits.map((h) => h.group));
  if (hits.length === 0) throw new MappingError(`${kind}: no CRD in the CRD folder and no built-in kind has this name`);
  if (groups.size > 1) throw new MappingError(`${kind}: ambiguous without an apiVersion (groups: ${[...groups].sort().join(', ')})`);
  return hits[0]!;
}
