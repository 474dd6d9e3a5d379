// The watch layer: informers for CRDs, Nodes (as compact projections), Namespaces (names), the
// HyperConverged CR, and every managed kind (label-selected on managed-by, started when first
// needed and only while its CRD is installed). It answers the chain's live lookups and the
// render context's facts from memory, and tells the controller what changed.
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../annotations.js';
import { detectHardware, projectNode, sameProjection, type Hardware, type NodeProjection } from '../catalog/hardware.js';
import { clusterVersionOf, infrastructureFacts, type OpenShiftFacts } from '../catalog/openshift.js';
import { detectTopology, type Topology } from '../catalog/topology.js';
import type { LiveCache } from '../chain/deps.js';
import type { KubeClient } from '../kube/client.js';
import { crdEstablished, projectCrd, type CrdInfo } from '../kube/crd-info.js';
import { resourcePath, type KubeObject } from '../kube/types.js';
import type { ResourceRef } from '../kube/resources.js';
import type { ClusterFacts } from '../render/context.js';
import { log } from '../log.js';
import { Informer } from './informer.js';

export const HCO_CRD = 'hyperconvergeds.hco.kubevirt.io';
export const HCO_DEFAULT_NAME = 'kubevirt-hyperconverged';
/** The version the operator reads and writes the HCO as (its storage version). */
export const HCO_VERSION = 'v1';
/** Where the HCO lives when --namespace is not given (OpenShift, then upstream), in this order. */
export const HCO_DEFAULT_NAMESPACES = ['openshift-cnv', 'kubevirt-hyperconverged'];

/** OpenShift's cluster-scoped singletons the render context reads, watched only while their CRD is installed. */
const OPENSHIFT_FACT_SOURCES = {
  clusterversion: { crd: 'clusterversions.config.openshift.io', plural: 'clusterversions', name: 'version' },
  infrastructure: { crd: 'infrastructures.config.openshift.io', plural: 'infrastructures', name: 'cluster' },
} as const;
type FactSource = keyof typeof OPENSHIFT_FACT_SOURCES;

export type Change =
  | { type: 'hco' }
  | { type: 'nodes' }
  | { type: 'namespaces' }
  | { type: 'openshift' }
  | { type: 'crd'; name: string; installed: boolean }
  | { type: 'object'; resource: ResourceRef; namespace?: string; name: string; deleted: boolean };

type CrdEntry = CrdInfo & { established: boolean };

const refKey = (r: Pick<ResourceRef, 'group' | 'version' | 'plural'>): string => `${r.group}/${r.version}/${r.plural}`;

export interface ClusterCacheOptions {
  /** Namespace of the HCO; empty: openshift-cnv, else kubevirt-hyperconverged. */
  hcoNamespace?: string;
  /** The operator's own namespace (render facts). */
  operatorNamespace?: string;
  onChange?: (c: Change) => void;
}

export class ClusterCache implements LiveCache {
  readonly crds: Informer<CrdEntry>;
  readonly nodes: Informer<NodeProjection>;
  readonly namespaces: Informer<string>;
  private hcos: Informer<KubeObject> | undefined;
  private readonly factSources = new Map<FactSource, Informer<KubeObject>>();
  private openshiftMemo: OpenShiftFacts | undefined;
  private emittedOpenshift: string | undefined;
  /** The version the HCO informer reads (v1 unless the CRD does not serve it). */
  private hcoReadVersion: string | undefined;
  private readonly managed = new Map<string, { ref: ResourceRef; informer: Informer<KubeObject> }>();
  private factsMemo: { hardware: Hardware; topology: Topology } | undefined;
  private establishedMemo: Map<string, CrdInfo> | undefined;
  private stopped = false;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: ClusterCacheOptions = {},
  ) {
    const emit = (c: Change): void => opts.onChange?.(c);
    this.crds = new Informer<CrdEntry>(client, {
      name: 'crds',
      path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      project: (o) => ({ ...projectCrd(o), established: crdEstablished(o) }),
      onEvent: (type, crd, old) => {
        const installed = type !== 'delete' && crd.established;
        if (type === 'update' && old?.established === installed && JSON.stringify(old) === JSON.stringify(crd)) return;
        this.establishedMemo = undefined;
        if (!installed) this.stopKind(crd);
        if (crd.name === HCO_CRD) this.syncHcoInformer();
        this.syncFactInformers();
        emit({ type: 'crd', name: crd.name, installed });
      },
    });
    this.nodes = new Informer<NodeProjection>(client, {
      name: 'nodes',
      path: '/api/v1/nodes',
      project: (o) => projectNode(o),
      pageSize: 250,
      onEvent: (type, n, old) => {
        if (type === 'update' && sameProjection(old, n)) return;
        this.factsMemo = undefined;
        emit({ type: 'nodes' });
      },
    });
    this.namespaces = new Informer<string>(client, {
      name: 'namespaces',
      path: '/api/v1/namespaces',
      project: (o) => o.metadata?.name ?? '',
      onEvent: (type) => {
        if (type !== 'update') emit({ type: 'namespaces' });
      },
    });
  }

  async start(): Promise<void> {
    for (const i of [this.crds, this.nodes, this.namespaces]) i.start();
    await Promise.all([this.crds.synced, this.nodes.synced, this.namespaces.synced]);
    this.syncHcoInformer();
    this.syncFactInformers();
    await Promise.all([this.hcos?.synced, ...[...this.factSources.values()].map((i) => i.synced)]);
  }

  stop(): void {
    this.stopped = true;
    for (const i of [this.crds, this.nodes, this.namespaces, this.hcos, ...this.factSources.values()]) i?.stop();
    this.factSources.clear();
    for (const m of this.managed.values()) m.informer.stop();
    this.managed.clear();
  }

  get synced(): boolean {
    return (
      this.crds.hasSynced &&
      this.nodes.hasSynced &&
      this.namespaces.hasSynced &&
      (!this.hcos || this.hcos.hasSynced) &&
      [...this.factSources.values()].every((i) => i.hasSynced)
    );
  }

  /**
   * Starts the HCO informer when its CRD is installed, stops it when the CRD goes away. It reads
   * v1; when the CRD does not serve v1 it still reads a served version, to be ready and to say on
   * the HCO why the operator stays idle (hcoVersionProblem).
   */
  private syncHcoInformer(): void {
    const crd = this.crds.get(undefined, HCO_CRD);
    const served = crd?.established ? crd.servedVersions : [];
    const version = served.includes(HCO_VERSION) ? HCO_VERSION : served.includes(crd?.storageVersion ?? '') ? crd!.storageVersion : served[0];
    if (this.hcos && this.hcoReadVersion !== version) {
      this.hcos.stop();
      this.hcos = undefined;
      this.hcoReadVersion = undefined;
    }
    if (version && !this.hcos && !this.stopped) {
      // Only the operator's namespace when it has one (another namespace's HCO is not even seen);
      // every namespace otherwise. Any HCO seen but not chosen is reported (ignoredHcos).
      this.hcos = new Informer<KubeObject>(this.client, {
        name: 'hyperconvergeds',
        path: resourcePath({ group: 'hco.kubevirt.io', version, plural: 'hyperconvergeds' }, this.opts.hcoNamespace || undefined),
        onEvent: () => this.opts.onChange?.({ type: 'hco' }),
      });
      this.hcoReadVersion = version;
      this.hcos.start();
    }
  }

  /**
   * Watches ClusterVersion and Infrastructure (one object each, selected by name) while their
   * CRDs are installed; a change of the facts re-renders everything.
   */
  private syncFactInformers(): void {
    for (const [key, src] of Object.entries(OPENSHIFT_FACT_SOURCES) as [FactSource, (typeof OPENSHIFT_FACT_SOURCES)[FactSource]][]) {
      const installed = this.crds.get(undefined, src.crd)?.established === true;
      const running = this.factSources.get(key);
      if (installed && !running && !this.stopped) {
        const informer = new Informer<KubeObject>(this.client, {
          name: `${src.plural}.config.openshift.io`,
          path: resourcePath({ group: 'config.openshift.io', version: 'v1', plural: src.plural }),
          fieldSelector: `metadata.name=${src.name}`,
          onEvent: () => {
            this.openshiftMemo = undefined;
            const now = JSON.stringify(this.openshiftFacts());
            if (now === this.emittedOpenshift) return; // status churn that changes no fact
            this.emittedOpenshift = now;
            this.opts.onChange?.({ type: 'openshift' });
          },
        });
        this.factSources.set(key, informer);
        informer.start();
      } else if (!installed && running) {
        running.stop();
        this.factSources.delete(key);
        this.openshiftMemo = undefined;
      }
    }
  }

  /** What ClusterVersion and Infrastructure say (catalog/openshift.ts); empty where unknown. */
  openshiftFacts(): OpenShiftFacts {
    this.openshiftMemo ??= {
      version: clusterVersionOf(this.factSources.get('clusterversion')?.get(undefined, OPENSHIFT_FACT_SOURCES.clusterversion.name)),
      ...infrastructureFacts(this.factSources.get('infrastructure')?.get(undefined, OPENSHIFT_FACT_SOURCES.infrastructure.name)),
    };
    return this.openshiftMemo;
  }

  /** Where the HCO must be, in order of preference. */
  private hcoNamespaces(): string[] {
    return this.opts.hcoNamespace ? [this.opts.hcoNamespace] : HCO_DEFAULT_NAMESPACES;
  }

  /** Why no HCO can be used although the CRD is installed: it does not serve v1. */
  hcoVersionProblem(): string | undefined {
    if (!this.hcoReadVersion || this.hcoReadVersion === HCO_VERSION) return undefined;
    return `the HyperConverged CRD does not serve hco.kubevirt.io/${HCO_VERSION} (served: ${this.crds.get(undefined, HCO_CRD)?.servedVersions.join(', ')}); the operator stays idle until it does`;
  }

  /** The one HCO the operator acts on: kubevirt-hyperconverged in its namespace, chosen on purpose. */
  hco(): KubeObject | undefined {
    if (!this.hcos || this.hcoVersionProblem()) return undefined;
    for (const ns of this.hcoNamespaces()) {
      const h = this.hcos.get(ns, HCO_DEFAULT_NAME);
      if (h) return h;
    }
    return undefined;
  }

  /** Every other HyperConverged visible: never acted on (reported with a Warning Event). */
  ignoredHcos(): KubeObject[] {
    if (!this.hcos) return [];
    const chosen = this.hco();
    return [...this.hcos.list()].filter((h) => h !== chosen).map((h) => ({ apiVersion: `hco.kubevirt.io/${this.hcoReadVersion}`, kind: 'HyperConverged', ...h }));
  }

  /** Where the operator looks for the HCO (for messages). */
  describeHcoLocation(): string {
    return this.hcoNamespaces().map((ns) => `${ns}/${HCO_DEFAULT_NAME}`).join(' or ');
  }

  /** Installed (Established) CRDs by name. */
  establishedCrds(): ReadonlyMap<string, CrdInfo> {
    if (!this.establishedMemo) {
      this.establishedMemo = new Map([...this.crds.list()].filter((c) => c.established).map((c) => [c.name, c]));
    }
    return this.establishedMemo;
  }

  facts(): ClusterFacts {
    this.factsMemo ??= { hardware: detectHardware(this.nodes.list()), topology: detectTopology(this.nodes.list()) };
    return {
      ...this.factsMemo,
      openshift: this.openshiftFacts(),
      crds: this.establishedCrds(),
      objectExists: (kind, namespace, name) => this.objectExists(kind, namespace, name),
      operatorNamespace: this.opts.operatorNamespace,
    };
  }

  private objectExists(kind: string, namespace: string, name: string): boolean {
    if (kind === 'Namespace') return this.namespaces.get(undefined, name) !== undefined;
    if (kind === 'CustomResourceDefinition') return this.establishedCrds().has(name);
    for (const m of this.managed.values()) {
      if (m.ref.kind === kind && m.informer.get(m.ref.namespaced ? namespace : undefined, name)) return true;
    }
    return false;
  }

  private managedInformer(r: ResourceRef): Informer<KubeObject> {
    const k = refKey(r);
    let m = this.managed.get(k);
    if (!m) {
      const informer = new Informer<KubeObject>(this.client, {
        name: `${r.plural}.${r.group || 'core'}`,
        path: resourcePath(r),
        labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`,
        onEvent: (type, obj) =>
          this.opts.onChange?.({ type: 'object', resource: r, namespace: obj.metadata?.namespace, name: obj.metadata?.name ?? '', deleted: type === 'delete' }),
      });
      m = { ref: r, informer };
      this.managed.set(k, m);
      log.debug('watching managed kind', { kind: r.kind, group: r.group });
      if (!this.stopped) informer.start();
    }
    return m.informer;
  }

  private stopKind(crd: CrdInfo): void {
    for (const [k, m] of this.managed) {
      if (m.ref.group === crd.group && m.ref.kind === crd.kind) {
        m.informer.stop();
        this.managed.delete(k);
      }
    }
  }

  /** LiveCache: a managed object, or undefined while its kind's informer is not yet synced. */
  get(r: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    if (r.group === 'hco.kubevirt.io' && r.kind === 'HyperConverged') return this.hcos?.get(namespace, name);
    const inf = this.managedInformer(r);
    return inf.hasSynced ? inf.get(r.namespaced ? namespace : undefined, name) : undefined;
  }

  upsert(r: ResourceRef, obj: KubeObject): void {
    if (r.group === 'hco.kubevirt.io' && r.kind === 'HyperConverged') this.hcos?.upsert(obj);
    else this.managedInformer(r).upsert(obj);
  }

  /** Whether the cache of a kind has synced (a miss in it then means "absent"). */
  isSynced(apiVersion: string, kind: string): boolean {
    for (const m of this.managed.values()) {
      if (`${m.ref.group ? m.ref.group + '/' : ''}${m.ref.version}` === apiVersion && m.ref.kind === kind) return m.informer.hasSynced;
    }
    return false;
  }

  /** Objects held per informer (metrics). */
  sizes(): Record<string, number> {
    const out: Record<string, number> = {};
    const all = [this.crds, this.nodes, this.namespaces, this.hcos, ...this.factSources.values(), ...[...this.managed.values()].map((m) => m.informer)];
    for (const i of all) if (i) out[i.name] = i.size;
    return out;
  }

}
