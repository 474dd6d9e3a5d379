// Kinds the operator reads but never writes (e.g. MachineConfigPools for the machine-config
// family): each watched, whole collection, as a small projection, only while its CRD is installed;
// a change of a projection is a change for the controller (a world pass), status churn that
// changes no projected field is not.
import type { KubeClient } from '../kube/client.js';
import { resourcePath, type KubeObject } from '../vocabulary/object.js';
import { Informer } from './informer.js';

export interface ObservedKind<T = unknown> {
  /** Names the informer (logs, metrics) and the kind for readers. */
  readonly name: string;
  /** The CRD serving it: watched while Established. */
  readonly crd: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  project(o: KubeObject): T;
}

/** What a reader sees of an observed kind. */
export interface ObservedView<T = unknown> {
  /** Whether its CRD is installed (else: nothing to read, and nothing is coming). */
  readonly installed: boolean;
  /** Whether its cache has filled (a miss before then means nothing). */
  readonly synced: boolean;
  list(): T[];
}

export class ObservedKinds {
  private readonly running = new Map<string, Informer<unknown>>();
  private stopped = false;

  constructor(
    private readonly client: KubeClient,
    private readonly kinds: readonly ObservedKind[],
    private readonly onChange: (name: string) => void,
  ) {}

  /** Starts and stops informers as their CRDs come and go. */
  sync(established: (crd: string) => boolean): void {
    for (const k of this.kinds) {
      const on = established(k.crd) && !this.stopped;
      const informer = this.running.get(k.name);
      if (on && !informer) {
        const i = new Informer<unknown>(this.client, {
          kind: { group: k.group, kind: k.kind },
          name: k.name,
          path: resourcePath({ group: k.group, version: k.version, plural: k.plural }),
          project: (o) => k.project(o),
          onEvent: (type, obj, old) => {
            if (type === 'update' && JSON.stringify(obj) === JSON.stringify(old)) return;
            this.onChange(k.name);
          },
        });
        this.running.set(k.name, i);
        void i.synced.then(() => this.running.get(k.name) === i && this.onChange(k.name));
        i.start();
      } else if (!on && informer) {
        informer.stop();
        this.running.delete(k.name);
        this.onChange(k.name);
      }
    }
  }

  view<T>(name: string): ObservedView<T> {
    const i = this.running.get(name) as Informer<T> | undefined;
    return { installed: i !== undefined, synced: i?.hasSynced ?? false, list: () => (i ? [...i.list()] : []) };
  }

  /** First lists done (readiness). */
  get synced(): boolean {
    return [...this.running.values()].every((i) => i.hasSynced);
  }

  tried(): Promise<void[]> {
    return Promise.all([...this.running.values()].map((i) => i.tried));
  }

  informers(): Informer<unknown>[] {
    return [...this.running.values()];
  }

  stop(): void {
    this.stopped = true;
    for (const i of this.running.values()) i.stop();
    this.running.clear();
  }
}
