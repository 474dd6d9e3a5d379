// The port through which the chain sees live objects: the watch layer's caches on a cluster, the
// input files offline (watch/offline-cluster.ts). A read is only a read: it never starts a watch.
import type { KubeObject } from './object.js';
import type { ObjectKey, ResourceRef } from './resource.js';

/** What a cache knows of one object: nothing yet (its kind is not watched, or not synced: a miss
 *  would mean nothing), or the object — undefined when it does not exist (or is not ours to see). */
export type Lookup = { readonly synced: false } | { readonly synced: true; readonly object: KubeObject | undefined };

/** A live object with how it is addressed. */
export interface LiveObject {
  readonly resource: ResourceRef;
  readonly object: KubeObject;
}

/** The managed objects of a kind: unknown while any collection of it is unwatched or unsynced. */
export type ManagedLookup = { readonly synced: false } | { readonly synced: true; readonly objects: readonly LiveObject[] };

export interface LiveCache {
  read(resource: ResourceRef, key: ObjectKey): Lookup;
  /** Every object of the kind (any group serving it) carrying the managed-by label. */
  managed(kind: string): ManagedLookup;
  /**
   * Write-through after the operator's own write, so the next read sees the server's answer.
   * @param basedOn the resourceVersion the write was conditioned on (undefined for a create):
   *   resourceVersions are opaque, so a cached object is replaced only when it is still that one.
   */
  wrote(resource: ResourceRef, obj: KubeObject, basedOn: string | undefined): void;
}
