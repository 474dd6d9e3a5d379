// The render context: everything a template may read, built from cache snapshots only (so
// rendering never calls the API server). The live HCO is the configuration source.
import type { Asset } from '../catalog/catalog.js';
import type { Hardware } from '../catalog/hardware.js';
import type { OpenShiftFacts } from '../catalog/openshift.js';
import type { Topology } from '../catalog/topology.js';
import type { CrdInfo } from '../kube/crd-info.js';
import type { KubeObject } from '../kube/types.js';

/** What the cluster looks like right now, as the caches see it. */
export interface ClusterFacts {
  hardware: Hardware;
  topology: Topology;
  /** ClusterVersion / Infrastructure facts; absent or partial when unknown (see catalog/openshift.ts). */
  openshift?: OpenShiftFacts;
  crds: ReadonlyMap<string, CrdInfo>;
  /** Offline without CRDs: treat every kind as served (the render CLI without --crds-dir). */
  assumeCrdsInstalled?: boolean;
  /** Answers objectExists from the caches (namespaces, CRDs, managed objects). */
  objectExists(kind: string, namespace: string, name: string): boolean;
  /** The namespace the operator runs in (its own monitoring objects go there). */
  operatorNamespace?: string;
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
}

export function renderContext(hco: KubeObject, facts: ClusterFacts, asset: Asset): RenderContext {
  return {
    hco,
    namespace: hco.metadata?.namespace ?? '',
    operatorNamespace: facts.operatorNamespace || DEFAULT_OPERATOR_NAMESPACE,
    hardware: facts.hardware,
    topology: facts.topology,
    openshift: facts.openshift ?? {},
    params: asset.templateParams,
    asset: { name: asset.name, family: asset.family },
  };
}
