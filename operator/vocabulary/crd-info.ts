// A compact view of a CustomResourceDefinition: what the operator needs to address its objects
// (group, plural, scope, served versions) and what templates may ask (the enums of its schema),
// without keeping the whole CRD (the HyperConverged CRD alone is ~750 KB) in memory.
import type { KubeObject } from './object.js';

export interface CrdInfo {
  name: string;
  group: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  servedVersions: string[];
  storageVersion: string;
  /** Per served version: dotted field path (array items add no segment) → enum values. */
  enums: Record<string, Record<string, string[]>>;
}

interface Schema {
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
}

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Schema };
}

function collectEnums(s: Schema | undefined, path: string, out: Record<string, string[]>, depth = 0): void {
  if (!s || depth > 40) return;
  if (Array.isArray(s.enum) && path) out[path] = s.enum.map((v) => String(v));
  for (const [k, child] of Object.entries(s.properties ?? {})) collectEnums(child, path ? `${path}.${k}` : k, out, depth + 1);
  if (s.items) collectEnums(s.items, path, out, depth + 1);
}

export function projectCrd(crd: KubeObject): CrdInfo {
  const spec = (crd.spec ?? {}) as {
    group?: string;
    scope?: string;
    names?: { kind?: string; plural?: string };
    versions?: CrdVersion[];
  };
  const versions = spec.versions ?? [];
  const enums: CrdInfo['enums'] = {};
  for (const v of versions.filter((x) => x.served)) {
    const out: Record<string, string[]> = {};
    collectEnums(v.schema?.openAPIV3Schema, '', out);
    enums[v.name] = out;
  }
  return {
    name: crd.metadata?.name ?? '',
    group: spec.group ?? '',
    kind: spec.names?.kind ?? '',
    plural: spec.names?.plural ?? '',
    namespaced: spec.scope !== 'Cluster',
    servedVersions: versions.filter((v) => v.served).map((v) => v.name),
    storageVersion: versions.find((v) => v.storage)?.name ?? '',
    enums,
  };
}

/** Whether a CRD counts as installed: Established and not being deleted. */
export function crdEstablished(crd: KubeObject): boolean {
  if (crd.metadata?.deletionTimestamp) return false;
  const conds = (crd.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Established' && c.status === 'True');
}
