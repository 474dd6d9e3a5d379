// The watch layer: informers for CRDs, Nodes, Namespaces (names), the HyperConverged CR, and the
// managed kinds. Nothing here starts on a read: the managed kinds' informers (label-selected on
// managed-by) are started when the controller says which kinds the catalog declares (watch), and
// only while their CRD is installed; the HCO's informer (the whole collection, in its namespace)
// when its CRD is installed. It answers the chain's live lookups and the render context's facts
// from memory, and tells the controller what changed.
//
// Nodes must cost almost nothing on a cluster of thousands, whose status changes all the time. So
// all Nodes are watched as metadata only (the labels hardware detection and topology read);
// the masters — a handful — are watched whole, for what keeps workloads off them (cordon,
// role taints); the extended-resource capacity keys come from a rate-bounded scan
// (capacity-scan.ts). The facts are counted per Node (NodeFacts), and the controller hears of
// Nodes only when a fact changes, not on every Node event.
import { blockingTaints, isRelevantLabel, relevantLabels } from '../catalog/hardware.js';
import { NodeFacts } from '../catalog/node-facts.js';
import { clusterVersionOf, infrastructureFacts, type OpenShiftFacts } from '../catalog/openshift.js';
import type { KubeClient } from '../kube/client.js';
import { log } from '../log.js';
import { clusterFacts, type ClusterFacts } from '../render/context.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import { crdEstablished, projectCrd, type CrdInfo } from '../vocabulary/crd-info.js';
import { HCO_CRD, HCO_DEFAULT_NAMESPACES, HCO_GROUP, HCO_KIND, HCO_NAME, HCO_PLURAL, HCO_VERSION } from '../vocabulary/hco.js';
import type { LiveCache, Lookup, ManagedLookup } from '../vocabulary/live-cache.js';
import { resourcePath, type KubeObject } from '../vocabulary/object.js';
import { keyOf, type ObjectKey, type ResourceRef } from '../vocabulary/resource.js';
import { CapacityScan, type CapacityScanOptions } from './capacity-scan.js';
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

/** What the metadata-only Node watch keeps of a Node. */
interface NodeLabels {
  name: string;
  labels: Record<string, string>;
}

/** What the master watches keep of a master. */
interface Schedulability {
  name: string;
  unschedulable: boolean;
  taints: string[];
}

const MASTER_SELECTORS = ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane'];

export interface ClusterCacheOptions {
  /** Namespace of the HCO; empty: openshift-cnv, else kubevirt-hyperconverged. */
  hcoNamespace?: string;
  /** The operator's own namespace (render facts). */
  operatorNamespace?: string;
  onChange?: (c: Change) => void;
  /** Kinds read but not managed (the families' observed kinds), watched while their CRD is installed. */
  observe?: readonly ObservedKind[];
  capacityScan?: CapacityScanOptions;
}

export class ClusterCache implements LiveCache {
  readonly crds: Informer<CrdEntry>;
  readonly nodes: Informer<NodeLabels>;
  private readonly masters: Informer<Schedulability>[];
  private readonly capacity: CapacityScan;
  private capacitySynced = false;
  private readonly nodeFacts = new NodeFacts();
  private factsSignature: number;
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
      // Small pages: some CRDs weigh a megabyte, and a cluster has hundreds.
      pageSize: 25,
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
    this.nodes = new Informer<NodeLabels>(client, {
      kind: { group: '', kind: 'Node' },
      name: 'nodes',
      path: '/api/v1/nodes',
      metadataOnly: true,
      keepLabel: isRelevantLabel,
      project: (o) => ({ name: o.metadata?.name ?? '', labels: relevantLabels(o.metadata?.labels) }),
      onEvent: (type, n, old) => {
        // Any change of a Node may be one of its capacity (status, which this watch does not see).
        // (The initial list is no change: the first scan follows it.)
        if (type !== 'delete' && this.nodes.hasSynced) this.capacity.nodeChanged();
        if (type !== 'update' || JSON.stringify(old) !== JSON.stringify(n)) this.refreshNode(n.name);
      },
    });
    this.masters = MASTER_SELECTORS.map(
      (role) =>
        new Informer<Schedulability>(client, {
          kind: { group: '', kind: 'Node' },
          name: `nodes-${role.split('/')[1]}`,
          path: '/api/v1/nodes',
          labelSelector: role,
          project: (o) => {
            const spec = o.spec as { unschedulable?: boolean; taints?: { key?: string; effect?: string }[] } | undefined;
            return { name: o.metadata?.name ?? '', unschedulable: spec?.unschedulable === true, taints: blockingTaints(spec?.taints) };
          },
          onEvent: (_type, n) => this.refreshNode(n.name),
        }),
    );
    this.capacity = new CapacityScan(
      client,
      (names) => {
        for (const n of names) this.refreshNode(n);
      },
      () => this.nodes.size,
      opts.capacityScan,
    );
    this.factsSignature = this.nodeFacts.signature();
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
    const base = [this.crds, this.nodes, ...this.masters, this.namespaces];
    for (const i of base) i.start();
    // The first capacity scan after the Node list: a Node added since arrives as a watch event.
    const capacity = this.nodes.synced.then(() => this.capacity.start()).then(() => void (this.capacitySynced = true));
    await Promise.all([...base.map((i) => i.synced), capacity]);
    this.syncHcoInformer();
    this.syncFactInformers();
    this.observedKinds.sync((name) => this.crdInstalled(name));
    await Promise.all([this.hcos?.informer.synced, ...[...this.factSources.values()].map((i) => i.synced), this.observedKinds.tried()]);
  }

  stop(): void {
    this.stopped = true;
    this.capacity.stop();
    for (const i of [this.crds, this.nodes, ...this.masters, this.namespaces, ...this.factSources.values()]) i.stop();
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
      this.masters.every((m) => m.hasSynced) &&
      this.capacitySynced &&
      this.namespaces.hasSynced &&
      (!this.hcos || this.hcos.informer.hasSynced) &&
      [...this.factSources.values()].every((i) => i.hasSynced) &&
      this.observedKinds.synced
    );
  }

  /** Recounts one Node from what the three sources know of it; tells the controller only when a
   *  fact changed. */
  private refreshNode(name: string): void {
    const meta = this.nodes.get(undefined, name);
    if (!meta) this.nodeFacts.set(name, undefined);
    else {
      const master = this.masters[0]!.get(undefined, name) ?? this.masters[1]!.get(undefined, name);
      // A master the masters' watch has not delivered yet counts as not schedulable: the two
      // watches race, and a master seen schedulable for a moment would apply (then delete) the
      // master pool's MachineConfigs — reboots for nothing.
      this.nodeFacts.set(name, {
        name,
        labels: meta.labels,
        capacityKeys: this.capacity.of(name),
        unschedulable: master?.unschedulable ?? true,
        taints: master?.taints ?? [],
      });
    }
    const signature = this.nodeFacts.signature();
    if (signature !== this.factsSignature) {
      this.factsSignature = signature;
      this.opts.onChange?.({ type: 'nodes' });
    }
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
    return this.hcoNamespaces()
      .map((ns) => `${ns}/${HCO_NAME}`)
      .join(' or ');
  }

  /** Installed (Established) CRDs by name. */
  establishedCrds(): ReadonlyMap<string, CrdInfo> {
    if (!this.establishedMemo) {
      this.establishedMemo = new Map([...this.crds.list()].filter((c) => c.established).map((c) => [c.name, c]));
    }
    return this.establishedMemo;
  }

  facts(): ClusterFacts {
    return clusterFacts({
      hardware: this.nodeFacts.hardware(),
      topology: this.nodeFacts.topology(),
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

  /** LiveCache: the managed objects of a kind; unknown unless some collection of it is watched and all are synced. */
  managed(kind: string): ManagedLookup {
    const of = [...this.watched.values()].filter((w) => w.ref.kind === kind);
    if (of.length === 0 || of.some((w) => !w.informer.hasSynced)) return { synced: false };
    const objects = of.flatMap((w) =>
      [...w.informer.list()].filter((o) => o.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE).map((object) => ({ resource: w.ref, object })),
    );
    return { synced: true, objects };
  }

  wrote(r: ResourceRef, obj: KubeObject, basedOn: string | undefined): void {
    this.watched.get(collectionKey(r))?.informer.wrote(obj, basedOn);
  }

  /** Objects held per informer (metrics). */
  sizes(): Record<string, number> {
    const out: Record<string, number> = {};
    const all = [
      this.crds,
      this.nodes,
      ...this.masters,
      this.namespaces,
      ...this.factSources.values(),
      ...this.observedKinds.informers(),
      ...[...this.watched.values()].map((w) => w.informer),
    ];
    for (const i of all) out[i.name] = i.size;
    return out;
  }

  /** Paginated Node lists read for capacity so far (metrics). */
  get capacityScans(): number {
    return this.capacity.scans;
  }

  /** Nodes the last capacity scan read. */
  get capacityScanned(): number {
    return this.capacity.covered;
  }
}
