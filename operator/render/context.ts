// The render context: everything a template may read, built from cache snapshots only (so
// rendering never calls the API server). The live HCO is the configuration source.
import type { Asset } from '../catalog/catalog.js';
import type { Hardware } from '../catalog/hardware.js';
import type { OpenShiftFacts } from '../catalog/openshift.js';
import type { Topology } from '../catalog/topology.js';
import type { CrdInfo } from '../vocabulary/crd-info.js';
import type { KubeObject } from '../vocabulary/object.js';
import { resolveResource, type ResourceRef } from '../vocabulary/resource.js';

/** What the cluster looks like right now, as the caches (or, offline, the input files) see it. */
export interface ClusterFacts {
  hardware: Hardware;
  topology: Topology;
  /** ClusterVersion / Infrastructure facts; absent or partial when unknown (see catalog/openshift.ts). */
  openshift?: OpenShiftFacts;
  /** Whether a CRD (by name) is installed. */
  hasCrd(name: string): boolean;
  /** An installed CRD's compact view (the enums templates ask about); undefined when not known. */
  crd(name: string): CrdInfo | undefined;
  /** How to address an object; undefined when nothing installed serves its apiVersion and kind. */
  resourceFor(obj: KubeObject): ResourceRef | undefined;
  /** Answers objectExists from the caches (namespaces, CRDs, managed objects). */
  objectExists(kind: string, namespace: string, name: string): boolean;
  /** The namespace the operator runs in (its own monitoring objects go there). */
  operatorNamespace?: string;
}

/** The facts of a cluster whose installed CRDs are known (the watch layer's caches, a CRD folder). */
export function clusterFacts(
  f: Pick<ClusterFacts, 'hardware' | 'topology' | 'openshift' | 'objectExists' | 'operatorNamespace'> & { crds: ReadonlyMap<string, CrdInfo> },
): ClusterFacts {
  const { crds, ...rest } = f;
  return {
    ...rest,
    hasCrd: (name) => crds.has(name),
    crd: (name) => crds.get(name),
    resourceFor: (obj) => (obj.apiVersion && obj.kind ? resolveResource(obj.apiVersion, obj.kind, crds) : undefined),
  };
}

export const DEFAULT_OPERATOR_NAMESPACE = 'virt-platform-operator';

export interface RenderContext {
  hco: KubeObject;
  /** The HCO's namespace: the operator's target namespace. */
  namespace: string;
  /** The operator's own namespace (its metrics Service, ServiceMonitor, PrometheusRule). */
  operatorNamespace: string;
  hardware: Hardware;
  topology: Topology;
  /** {{openshift.version}}, {{openshift.controlPlaneTopology}}, {{openshift.platform}}: empty when unknown. */
  openshift: OpenShiftFacts;
  params: Record<string, unknown>;
  asset: { name: string; family: string };
  /** What the asset's family handler adds ({{family.x}}); empty for a family without one. */
  family: Readonly<Record<string, unknown>>;
}

export function renderContext(hco: KubeObject, facts: ClusterFacts, asset: Asset, family: Readonly<Record<string, unknown>> = {}): RenderContext {
  return {
    hco,
    namespace: hco.metadata?.namespace ?? '',
    operatorNamespace: facts.operatorNamespace || DEFAULT_OPERATOR_NAMESPACE,
    hardware: facts.hardware,
    topology: facts.topology,
    openshift: facts.openshift ?? {},
    params: asset.templateParams,
    asset: { name: asset.name, family: asset.family },
    family,
  };
}
