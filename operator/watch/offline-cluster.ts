// The cluster as the offline modes see it (the render CLI, rbac-gen, the consumer suites): the
// LiveCache port answered from an HCO file — the one live object there is, so its own patch,
// ignore-fields and mode annotations act on the golden config as on a cluster — and facts from
// input files. With no API server there is no client: the offline chain has nothing to call.
import { detectHardware, type NodeProjection } from '../catalog/hardware.js';
import { detectTopology, type Topology } from '../catalog/topology.js';
import { clusterFacts, type ClusterFacts } from '../render/context.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import type { CrdInfo } from '../vocabulary/crd-info.js';
import type { LiveCache, Lookup, ManagedLookup } from '../vocabulary/live-cache.js';
import { parseApiVersion, type KubeObject } from '../vocabulary/object.js';
import { objectKey, type ObjectKey, type ResourceRef } from '../vocabulary/resource.js';

export class OfflineCluster implements LiveCache {
  private readonly hcoKey: ObjectKey;

  /** @param objects the managed objects on the cluster, when given (render --objects-file): what the off-switch would prune */
  constructor(
    readonly hco: KubeObject,
    readonly facts: ClusterFacts,
    private readonly objects: readonly KubeObject[] = [],
  ) {
    this.hcoKey = objectKey({ group: parseApiVersion(hco.apiVersion ?? '').group, kind: hco.kind ?? '' }, hco.metadata?.namespace, hco.metadata?.name ?? '');
  }

  read(_r: ResourceRef, key: ObjectKey): Lookup {
    return { synced: true, object: key === this.hcoKey ? this.hco : undefined };
  }

  /** Only the objects given (none by default): what the off-switch may find. */
  managed(kind: string): ManagedLookup {
    const objects = this.objects.flatMap((object) => {
      const resource = object.kind === kind && object.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE ? this.facts.resourceFor(object) : undefined;
      return resource ? [{ resource, object }] : [];
    });
    return { synced: true, objects };
  }

  wrote(): void {
    // Nothing is written offline.
  }
}

/** Without Nodes: a cluster with dedicated workers and no special hardware. */
const DEFAULT_TOPOLOGY: Topology = { hasSchedulableMasters: false, hasDedicatedWorkers: true, singleNode: false, nodes: 0, masters: 0, workers: 0 };

/**
 * A kind nothing says anything about counts as served, addressed as the object itself suggests:
 * namespaced when it carries a namespace, the plural the lowercase kind + "s" (an approximation
 * for output only: offline nothing is sent to a server).
 */
function assumedResource(obj: KubeObject): ResourceRef | undefined {
  if (!obj.apiVersion || !obj.kind) return undefined;
  const { group, version } = parseApiVersion(obj.apiVersion);
  return { group, version, kind: obj.kind, plural: `${obj.kind.toLowerCase()}s`, namespaced: Boolean(obj.metadata?.namespace) };
}

/** The facts, where every CRD counts as installed and every kind as served. */
export function everyKindServed(facts: ClusterFacts): ClusterFacts {
  return { ...facts, hasCrd: () => true, resourceFor: (obj) => facts.resourceFor(obj) ?? assumedResource(obj) };
}

/**
 * The render CLI's facts: hardware and topology from Nodes (when given), the OpenShift version
 * (when given), the CRDs of a folder — or, without one, every kind counts as served. Every
 * namespace exists (the target operators are assumed installed).
 */
export function offlineFacts(o: { nodes?: readonly NodeProjection[]; crds?: ReadonlyMap<string, CrdInfo>; openshiftVersion?: string }): ClusterFacts {
  const crds = o.crds;
  const facts = clusterFacts({
    hardware: detectHardware(o.nodes ?? []),
    topology: o.nodes ? detectTopology(o.nodes) : DEFAULT_TOPOLOGY,
    openshift: { version: o.openshiftVersion },
    crds: crds ?? new Map(),
    objectExists: (kind, _ns, name) => (kind === 'Namespace' ? true : kind === 'CustomResourceDefinition' ? !crds || crds.has(name) : false),
  });
  return crds ? facts : everyKindServed(facts);
}
