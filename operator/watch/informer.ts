// A list+watch cache of one collection (the reflector/informer pattern). It lists in pages, then
// watches from the list's resourceVersion with bookmarks. A watch the server ended resumes at once
// from the last resourceVersion (the server ends watches routinely, and closes those of a client
// it finds slow); a 410 Gone relists; errors, and a watch that ends at once having delivered
// nothing, retry with exponential backoff. It never ends the process. Objects may be stored as a
// projection, and read in the metadata-only form, to keep memory and CPU small.
import { KubeError } from '../kube/errors.js';
import { deepEqual } from '../patch/deep-equal.js';
import type { KubeClient, Query } from '../kube/client.js';
import { decodeMetadataWatchEvent, listMetadata, METADATA_WATCH_ACCEPT, type LabelFilter } from '../kube/metadata-proto.js';
import type { KubeObject } from '../vocabulary/object.js';
import { objectKey, type GroupKind, type ObjectKey } from '../vocabulary/resource.js';
import { log } from '../log.js';
import { exponentialBackoff, jittered } from '../util/backoff.js';
import { Sleeper } from '../util/sleeper.js';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerOptions<T> {
  /** The kind of the collection: objects are kept by their ObjectKey. */
  kind: GroupKind;
  /** Collection path, e.g. /apis/apps/v1/deployments or /api/v1/namespaces/x/configmaps. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Store a projection instead of the whole object. */
  project?: (obj: KubeObject) => T;
  onEvent?: (type: InformerEvent, obj: T, old: T | undefined) => void;
  pageSize?: number;
  /** List and watch PartialObjectMetadata (metadata only: no spec, no status; in protobuf, and of
   *  it only name, namespace, resourceVersion and labels). */
  metadataOnly?: boolean;
  /** With metadataOnly: the labels to read (the others are skipped undecoded). */
  keepLabel?: LabelFilter;
  /** How long the server keeps a watch open (default 5–10 minutes, spread). */
  watchTimeoutSeconds?: number;
  /** Reported to logs and metrics. */
  name?: string;
}

class GoneError extends Error {}

/** A watch that lasted this long was healthy: the backoff starts over after it. */
const HEALTHY_MS = 1000;
/** Capped low: after an outage the caches (and drift repair) come back within seconds, while a
 *  down server sees one LIST per informer every few seconds at most. */
const BACKOFF = { baseMs: 250, maxMs: 8000 };

export class Informer<T = KubeObject> {
  private readonly store = new Map<ObjectKey, T>();
  private resourceVersion: string | undefined;
  private stopped = false;
  private abort: AbortController | undefined;
  private readonly sleeper = new Sleeper();
  private syncedResolve!: () => void;
  readonly synced: Promise<void> = new Promise((r) => (this.syncedResolve = r));
  private triedResolve!: () => void;
  /** Resolves after the first list, whether it filled the cache or failed (then it keeps retrying). */
  readonly tried: Promise<void> = new Promise((r) => (this.triedResolve = r));
  hasSynced = false;
  /** Failures in a row, for the backoff (0 after a healthy watch). */
  private failures = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: InformerOptions<T>,
  ) {}

  get name(): string {
    return this.opts.name ?? this.opts.path;
  }

  private project(o: KubeObject): T {
    return this.opts.project ? this.opts.project(o) : (o as T);
  }

  private keyOf(o: KubeObject): ObjectKey {
    return objectKey(this.opts.kind, o.metadata?.namespace, o.metadata?.name ?? '');
  }

  /** @param namespace undefined for a cluster-scoped object */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.store.get(objectKey(this.opts.kind, namespace, name));
  }

  getByKey(key: ObjectKey): T | undefined {
    return this.store.get(key);
  }

  list(): IterableIterator<T> {
    return this.store.values();
  }

  get size(): number {
    return this.store.size;
  }

  /**
   * Write-through after our own write, so the next read sees the server's answer at once; the
   * watch event carrying the same object follows and changes nothing. resourceVersions are opaque
   * (never ordered): the answer replaces the cached object only while that is still the one the
   * write was based on (`basedOn`, undefined for a create) or already the answer itself. Anything
   * else came from the watch after our write — newer, since the watch is ordered — and stays.
   * (Only for informers that keep whole objects: the operator writes no projected kind.)
   */
  wrote(obj: KubeObject, basedOn: string | undefined): void {
    const k = this.keyOf(obj);
    const cached = this.store.get(k) as KubeObject | undefined;
    const rv = cached?.metadata?.resourceVersion;
    if (cached && rv !== basedOn && rv !== obj.metadata?.resourceVersion) return;
    this.store.set(k, this.project(obj));
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.triedResolve();
    this.abort?.abort();
    this.sleeper.wakeAll();
  }

  private selectors(): Query {
    return { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector };
  }

  private async relist(): Promise<void> {
    // Projected as the pages arrive: a list of thousands of whole Nodes is never held at once.
    const fresh = new Map<ObjectKey, T>();
    const onItem = (item: KubeObject): void => void fresh.set(this.keyOf(item), this.project(item));
    const pageSize = this.opts.pageSize ?? 500;
    const { resourceVersion } = this.opts.metadataOnly
      ? await listMetadata(this.client, this.opts.path, this.selectors(), pageSize, onItem, this.opts.keepLabel)
      : await this.client.listAll(this.opts.path, this.selectors(), pageSize, onItem);
    const previous = new Map(this.store);
    this.store.clear();
    for (const [k, v] of fresh) this.store.set(k, v);
    this.resourceVersion = resourceVersion;
    for (const [k, v] of fresh) {
      const old = previous.get(k);
      if (!old) this.opts.onEvent?.('add', v, undefined);
      else if (!deepEqual(old, v)) this.opts.onEvent?.('update', v, old);
    }
    for (const [k, old] of previous) if (!fresh.has(k)) this.opts.onEvent?.('delete', old, old);
  }

  /** Resolves with the number of events (bookmarks included) the watch delivered. */
  private watchOnce(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let events = 0;
      let gone = false;
      // What a handler throws would escape from the stream's data listener: say it, and go on.
      const onEvent = (type: string, obj: KubeObject): void => {
        try {
          handle(type, obj);
        } catch (err) {
          log.error('watch event could not be handled', { informer: this.name, type, error: err instanceof Error ? err.stack : String(err) });
        }
      };
      const handle = (type: string, obj: KubeObject): void => {
        if (type === 'ERROR') {
          const code = (obj as { code?: number }).code;
          if (code === 410) gone = true;
          else log.warn('watch error event', { informer: this.name, status: obj });
          this.abort?.abort();
          return;
        }
        events++;
        const rv = obj.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
        if (type === 'BOOKMARK') return;
        const k = this.keyOf(obj);
        const old = this.store.get(k);
        if (type === 'DELETED') {
          this.store.delete(k);
          this.opts.onEvent?.('delete', old ?? this.project(obj), old);
          return;
        }
        const v = this.project(obj);
        this.store.set(k, v);
        this.opts.onEvent?.(old ? 'update' : 'add', v, old);
      };
      const done = (err: unknown): void => {
        if (gone) reject(new GoneError('410 Gone'));
        else if (err && !this.stopped && !(err instanceof Error && err.name === 'AbortError'))
          reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
        else resolve(events);
      };
      this.client
        .watch(
          this.opts.path,
          {
            ...this.selectors(),
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            // The server ends the watch after this long; we resume from the last resourceVersion.
            timeoutSeconds: this.opts.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300),
          },
          onEvent,
          done,
          this.opts.metadataOnly ? { accept: METADATA_WATCH_ACCEPT, decodeFrame: (f) => decodeMetadataWatchEvent(f, this.opts.keepLabel) } : {},
        )
        .then((ac) => {
          this.abort = ac;
          if (this.stopped) ac.abort();
        }, reject);
    });
  }

  /** The next retry delay: exponential while failures follow each other, from 250 ms again after
   *  a watch that ran for a while, and never before a server's Retry-After. (A good list alone does
   *  not count: list, watch, 410, list… would spin.) */
  private nextBackoff(err?: unknown): number {
    const delay = exponentialBackoff(BACKOFF, this.failures++);
    const retryAfter = err instanceof KubeError ? (err.retryAfterMs ?? 0) : 0;
    // Jitter, so the informers of one process do not retry in lockstep.
    return Math.max(jittered(delay, 0.8, 1.2), retryAfter);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let watchStarted = 0;
      try {
        if (this.resourceVersion === undefined) {
          await this.relist();
          if (!this.hasSynced) {
            this.hasSynced = true;
            this.syncedResolve();
            this.triedResolve();
          }
        }
        watchStarted = Date.now();
        const events = await this.watchOnce();
        if (this.stopped) break;
        // A watch that ends at once having delivered nothing (server shutting down, a proxy
        // closing) must not spin; one that made progress resumes at once from where it was.
        if (events === 0 && Date.now() - watchStarted < HEALTHY_MS) {
          const delay = this.nextBackoff();
          log.info('watch ended at once without events; retrying', { informer: this.name, retryInMs: delay });
          await this.sleeper.sleep(delay);
        } else {
          this.failures = 0;
          log.debug('watch ended; resuming', { informer: this.name, events, seconds: Math.round((Date.now() - watchStarted) / 1000) });
        }
      } catch (err) {
        this.triedResolve();
        if (this.stopped) break;
        // A watch that was healthy for a while before it broke starts the backoff over.
        if (watchStarted && Date.now() - watchStarted >= HEALTHY_MS) this.failures = 0;
        if (err instanceof GoneError || (err instanceof KubeError && err.status === 410) || (err as { statusCode?: number }).statusCode === 410) {
          log.info('watch expired (410 Gone); relisting', { informer: this.name });
          this.resourceVersion = undefined;
          // Expired again right after a relist: back off, or list and watch would spin.
          if (watchStarted && Date.now() - watchStarted < HEALTHY_MS) await this.sleeper.sleep(this.nextBackoff());
          continue;
        }
        const delay = this.nextBackoff(err);
        log.warn('list/watch failed; retrying', { informer: this.name, error: err instanceof Error ? err.message : String(err), retryInMs: delay });
        await this.sleeper.sleep(delay);
      }
    }
  }
}
