// The watch layer: informers for CRDs, Nodes (as compact projections), Namespaces (names), the
// HyperConverged CR, and the managed kinds. Nothing here starts on a read: the managed kinds'
// informers (label-selected on managed-by) are started when the controller says which kinds the
// catalog declares (watch), and only while their CRD is installed; the HCO's informer (the whole
// collection, in its namespace) when its CRD is installed. It answers the chain's live lookups
// and the render context's facts from memory, and tells the controller what changed.
import { detectHardware, type Hardware } from '../catalog/hardware.js';
import type { NodeProjection } from '../vocabulary/node.js';
import { projectNode, sameProjection } from './node-projection.js';
import { clusterVersionOf, infrastructureFacts, type OpenShiftFacts } from '../catalog/openshift.js';
import { detectTopology, type Topology } from '../catalog/topology.js';
import type { KubeClient } from '../kube/client.js';
import { log } from '../log.js';
import { clusterFacts, type ClusterFacts } from '../render/context.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import { crdEstablished, projectCrd, type CrdInfo } from '../vocabulary/crd-info.js';
import { HCO_CRD, HCO_DEFAULT_NAMESPACES, HCO_GROUP, HCO_KIND, HCO_NAME, HCO_PLURAL, HCO_VERSION } from '../vocabulary/hco.js';
import type { LiveCache, Lookup } from '../vocabulary/live-cache.js';
import { resourcePath, type KubeObject } from '../vocabulary/object.js';
import { keyOf, type ObjectKey, type ResourceRef } from '../vocabulary/resource.js';
import { Informer } from './informer.js';
import { ObservedKinds, type ObservedKind, type ObservedView } from './observed-kinds.js';

/** OpenShift's cluster-scoped singletons the render context reads, watched only while their CRD is installed. */
const OPENSHIFT_FACT_SOURCES = {
  clusterversion: { crd: 'clusterversions.config.openshift.io', plural: 'clusterversions', kind: 'ClusterVersion', name: 'version' },
  infrastructure: { crd: 'infrastructures.config.openshift.io', plural: 'infrastructures', kind: 'Infrastructure', name: 'cluster' },
} as const;
type FactSource = keyof typeof OPENSHIFT_FACT_SOURCES;

export type Change =
  | { type: 'hco' }
  | { type: 'nodes' }
  | { type: 'namespaces' }
  | { type: 'openshift' }
  /** A kind the operator reads but does not manage changed (e.g. a MachineConfigPool's status). */
  | { type: 'observed'; name: string }
  | { type: 'crd'; name: string; installed: boolean }
  | { type: 'object'; resource: ResourceRef; key: ObjectKey; deleted: boolean }
  /** A managed kind's cache has filled: its objects can be read now. */
  | { type: 'synced'; resource: ResourceRef };

type CrdEntry = CrdInfo & { established: boolean };

/** A collection: which informer serves a resource at a version. */
const collectionKey = (r: Pick<ResourceRef, 'group' | 'version' | 'plural'>): string => `${r.group}/${r.version}/${r.plural}`;

interface Watched {
  ref: ResourceRef;
  informer: Informer<KubeObject>;
}

export interface ClusterCacheOptions {
  /** Namespace of the HCO; empty: openshift-cnv, else kubevirt-hyperconverged. */
  hcoNamespace?: string;
  /** The operator's own namespace (render facts). */
  operatorNamespace?: string;
  onChange?: (c: Change) => void;
  /** Kinds read but not managed (the families' observed kinds), watched while their CRD is installed. */
  observe?: readonly ObservedKind[];
}

export class ClusterCache implements LiveCache {
  readonly crds: Informer<CrdEntry>;
  readonly nodes: Informer<NodeProjection>;
  readonly namespaces: Informer<string>;
  /** The HCO's informer (also among `watched`: the chain reads the HCO like any managed object). */
  private hcos: Watched | undefined;
  private readonly factSources = new Map<FactSource, Informer<KubeObject>>();
  private openshiftMemo: OpenShiftFacts | undefined;
  private emittedOpenshift: string | undefined;
  /** The version the HCO informer reads (v1 unless the CRD does not serve it). */
  private hcoReadVersion: string | undefined;
  /** Every informer the chain reads from, by collection: the managed kinds and the HCO. */
  private readonly watched = new Map<string, Watched>();
  private factsMemo: { hardware: Hardware; topology: Topology } | undefined;
  private establishedMemo: Map<string, CrdInfo> | undefined;
  private stopped = false;
  private readonly observedKinds: ObservedKinds;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: ClusterCacheOptions = {},
  ) {
    const emit = (c: Change): void => opts.onChange?.(c);
    this.observedKinds = new ObservedKinds(client, opts.observe ?? [], (name) => emit({ type: 'observed', name }));
    this.crds = new Informer<CrdEntry>(client, {
      kind: { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
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
        this.observedKinds.sync((name) => this.crdInstalled(name));
        emit({ type: 'crd', name: crd.name, installed });
      },
    });
    this.nodes = new Informer<NodeProjection>(client, {
      kind: { group: '', kind: 'Node' },
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
      kind: { group: '', kind: 'Namespace' },
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
    this.observedKinds.sync((name) => this.crdInstalled(name));
    await Promise.all([this.hcos?.informer.synced, ...[...this.factSources.values()].map((i) => i.synced), this.observedKinds.tried()]);
  }

  stop(): void {
    this.stopped = true;
    for (const i of [this.crds, this.nodes, this.namespaces, ...this.factSources.values()]) i.stop();
    this.factSources.clear();
    this.observedKinds.stop();
    for (const w of this.watched.values()) w.informer.stop();
    this.watched.clear();
    this.hcos = undefined;
  }

  get synced(): boolean {
    return (
      this.crds.hasSynced &&
      this.nodes.hasSynced &&
      this.namespaces.hasSynced &&
      (!this.hcos || this.hcos.informer.hasSynced) &&
      [...this.factSources.values()].every((i) => i.hasSynced) &&
      this.observedKinds.synced
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
      this.hcos.informer.stop();
      this.watched.delete(collectionKey(this.hcos.ref));
      this.hcos = undefined;
      this.hcoReadVersion = undefined;
    }
    if (version && !this.hcos && !this.stopped) {
      // Only the operator's namespace when it has one (another namespace's HCO is not even seen);
      // every namespace otherwise. Any HCO seen but not chosen is reported (ignoredHcos).
      const ref: ResourceRef = { group: HCO_GROUP, version, kind: HCO_KIND, plural: HCO_PLURAL, namespaced: true };
      const informer = new Informer<KubeObject>(this.client, {
        kind: ref,
        name: HCO_PLURAL,
        path: resourcePath(ref, this.opts.hcoNamespace || undefined),
        onEvent: () => this.opts.onChange?.({ type: 'hco' }),
      });
      this.hcos = { ref, informer };
      this.watched.set(collectionKey(ref), this.hcos);
      this.hcoReadVersion = version;
      informer.start();
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
          kind: { group: 'config.openshift.io', kind: src.kind },
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

  private crdInstalled(name: string): boolean {
    return this.crds.get(undefined, name)?.established === true;
  }

  /** A kind read but not managed, as its projections (see observed-kinds.ts). */
  observed<T>(name: string): ObservedView<T> {
    return this.observedKinds.view<T>(name);
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
    return this.opts.hcoNamespace ? [this.opts.hcoNamespace] : [...HCO_DEFAULT_NAMESPACES];
  }

  /** Why no HCO can be used although the CRD is installed: it does not serve v1. */
  hcoVersionProblem(): string | undefined {
    if (!this.hcoReadVersion || this.hcoReadVersion === HCO_VERSION) return undefined;
    return `the HyperConverged CRD does not serve ${HCO_GROUP}/${HCO_VERSION} (served: ${this.crds.get(undefined, HCO_CRD)?.servedVersions.join(', ')}); the operator stays idle until it does`;
  }

  /** The one HCO the operator acts on: kubevirt-hyperconverged in its namespace, chosen on purpose. */
  hco(): KubeObject | undefined {
    if (!this.hcos || this.hcoVersionProblem()) return undefined;
    for (const ns of this.hcoNamespaces()) {
      const h = this.hcos.informer.get(ns, HCO_NAME);
      if (h) return h;
    }
    return undefined;
  }

  /** Every other HyperConverged visible: never acted on (reported with a Warning Event). */
  ignoredHcos(): KubeObject[] {
    if (!this.hcos) return [];
    const chosen = this.hco();
    return [...this.hcos.informer.list()].filter((h) => h !== chosen).map((h) => ({ apiVersion: `${HCO_GROUP}/${this.hcoReadVersion}`, kind: HCO_KIND, ...h }));
  }

  /** Where the operator looks for the HCO (for messages). */
  describeHcoLocation(): string {
    return this.hcoNamespaces().map((ns) => `${ns}/${HCO_NAME}`).join(' or ');
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
    return clusterFacts({
      ...this.factsMemo,
      openshift: this.openshiftFacts(),
      crds: this.establishedCrds(),
      objectExists: (kind, namespace, name) => this.objectExists(kind, namespace, name),
      operatorNamespace: this.opts.operatorNamespace,
    });
  }

  private objectExists(kind: string, namespace: string, name: string): boolean {
    if (kind === 'Namespace') return this.namespaces.get(undefined, name) !== undefined;
    if (kind === 'CustomResourceDefinition') return this.establishedCrds().has(name);
    for (const w of this.watched.values()) {
      if (w !== this.hcos && w.ref.kind === kind && w.informer.get(w.ref.namespaced ? namespace : undefined, name)) return true;
    }
    return false;
  }

  /**
   * Watches these managed resources (label-selected on managed-by) unless they already are: the
   * kinds the catalog declares, resolved against the installed CRDs by the controller. Each tells
   * the controller once its cache has filled (a `synced` change).
   */
  watch(resources: readonly ResourceRef[]): void {
    for (const ref of resources) {
      const k = collectionKey(ref);
      if (this.stopped || this.watched.has(k)) continue;
      const informer = new Informer<KubeObject>(this.client, {
        kind: ref,
        name: `${ref.plural}.${ref.group || 'core'}`,
        path: resourcePath(ref),
        labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`,
        onEvent: (type, obj) => this.opts.onChange?.({ type: 'object', resource: ref, key: keyOf(ref, obj), deleted: type === 'delete' }),
      });
      this.watched.set(k, { ref, informer });
      log.debug('watching managed kind', { kind: ref.kind, group: ref.group, version: ref.version });
      void informer.synced.then(() => {
        if (this.watched.get(k)?.informer === informer) this.opts.onChange?.({ type: 'synced', resource: ref });
      });
      informer.start();
    }
  }

  /** Resolves once the cache of each of these resources has filled — or its first list failed
   *  (a kind the operator may not list must not hold up the others; it keeps retrying). */
  async whenTried(resources: readonly ResourceRef[]): Promise<void> {
    await Promise.all(resources.flatMap((r) => this.watched.get(collectionKey(r))?.informer.tried ?? []));
  }

  private stopKind(crd: CrdInfo): void {
    for (const [k, w] of this.watched) {
      if (w !== this.hcos && w.ref.group === crd.group && w.ref.kind === crd.kind) {
        w.informer.stop();
        this.watched.delete(k);
      }
    }
  }

  /** LiveCache: what the cache of the resource's collection holds; nothing while it is not watched or not synced. */
  read(r: ResourceRef, key: ObjectKey): Lookup {
    const w = this.watched.get(collectionKey(r));
    if (!w?.informer.hasSynced) return { synced: false };
    return { synced: true, object: w.informer.getByKey(key) };
  }

  wrote(r: ResourceRef, obj: KubeObject, basedOn: string | undefined): void {
    this.watched.get(collectionKey(r))?.informer.wrote(obj, basedOn);
  }

  /** Objects held per informer (metrics). */
  sizes(): Record<string, number> {
    const out: Record<string, number> = {};
    const all = [this.crds, this.nodes, this.namespaces, ...this.factSources.values(), ...this.observedKinds.informers(), ...[...this.watched.values()].map((w) => w.informer)];
    for (const i of all) out[i.name] = i.size;
    return out;
  }
}
