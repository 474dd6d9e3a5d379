// A list+watch cache of one collection (the reflector/informer pattern). It lists in pages, then
// watches from the list's resourceVersion with bookmarks. A closed watch resumes from the last
// resourceVersion; a 410 Gone relists; any other error retries with exponential backoff. It never
// ends the process. Objects may be stored as a projection to keep memory small.
import { KubeError } from '../kube/errors.js';
import { deepEqual } from '../patch/deep-equal.js';
import type { KubeClient, Query } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import { log } from '../log.js';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerOptions<T> {
  /** Collection path, e.g. /apis/apps/v1/deployments or /api/v1/namespaces/x/configmaps. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Store a projection instead of the whole object. */
  project?: (obj: KubeObject) => T;
  onEvent?: (type: InformerEvent, obj: T, old: T | undefined) => void;
  pageSize?: number;
  /** Reported to logs and metrics. */
  name?: string;
}

const keyOf = (o: KubeObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

class GoneError extends Error {}

/** A watch that lasted this long was healthy: the backoff starts over after it. */
const HEALTHY_MS = 1000;
/** Capped low: after an outage the caches (and drift repair) come back within seconds, while a
 *  down server sees one LIST per informer every few seconds at most. */
const MAX_BACKOFF_MS = 8000;

export class Informer<T = KubeObject> {
  private readonly store = new Map<string, T>();
  private resourceVersion: string | undefined;
  private stopped = false;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  private syncedResolve!: () => void;
  readonly synced: Promise<void> = new Promise((r) => (this.syncedResolve = r));
  hasSynced = false;
  private backoffMs = 0;

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

  get(namespace: string | undefined, name: string): T | undefined {
    return this.store.get(`${namespace ?? ''}/${name}`);
  }

  list(): IterableIterator<T> {
    return this.store.values();
  }

  get size(): number {
    return this.store.size;
  }

  /** Write-through after our own apply, so the next read sees the server's answer at once. The
   *  watch event carrying the same object follows and changes nothing. */
  upsert(obj: KubeObject): void {
    const k = keyOf(obj);
    const old = this.store.get(k);
    const cur = old as KubeObject | undefined;
    // Never replace a newer object with an older answer.
    if (cur?.metadata?.resourceVersion && obj.metadata?.resourceVersion && Number(cur.metadata.resourceVersion) > Number(obj.metadata.resourceVersion)) return;
    this.store.set(k, this.project(obj));
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
  }

  private selectors(): Query {
    return { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector };
  }

  private async relist(): Promise<void> {
    const fresh = new Map<string, T>();
    const { resourceVersion } = await this.client.listAll(this.opts.path, this.selectors(), this.opts.pageSize ?? 500, (item) => {
      fresh.set(keyOf(item), this.project(item));
    });
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

  private watchOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let gone = false;
      // client-node's Watch swallows whatever the callback throws: say it, or an event is lost silently.
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
        const rv = obj.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
        if (type === 'BOOKMARK') return;
        const k = keyOf(obj);
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
        else if (err && !this.stopped && !(err instanceof Error && err.name === 'AbortError')) reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
        else resolve();
      };
      this.client
        .watch(
          this.opts.path,
          {
            ...this.selectors(),
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            // The server ends the watch after this long; we resume from the last resourceVersion.
            timeoutSeconds: 300 + Math.floor(Math.random() * 300),
          },
          onEvent,
          done,
        )
        .then((ac) => {
          this.abort = ac;
          if (this.stopped) ac.abort();
        }, reject);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }

  /** The next retry delay: exponential while failures follow each other, from 250 ms again after
   *  a watch that ran for a while, and never before a server's Retry-After. (A good list alone does
   *  not count: list, watch, 410, list… would spin.) */
  private nextBackoff(err?: unknown): number {
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : 250);
    const retryAfter = err instanceof KubeError ? (err.retryAfterMs ?? 0) : 0;
    // Jitter, so the informers of one process do not retry in lockstep.
    return Math.max(Math.round(this.backoffMs * (0.8 + Math.random() * 0.4)), retryAfter);
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
          }
        }
        watchStarted = Date.now();
        await this.watchOnce();
        // A watch that ends at once (server shutting down, proxy closing) must not spin.
        if (Date.now() - watchStarted < HEALTHY_MS) await this.sleep(this.nextBackoff());
        else this.backoffMs = 0;
      } catch (err) {
        if (this.stopped) break;
        // A watch that was healthy for a while before it broke starts the backoff over.
        if (watchStarted && Date.now() - watchStarted >= HEALTHY_MS) this.backoffMs = 0;
        if (err instanceof GoneError || (err instanceof KubeError && err.status === 410) || (err as { statusCode?: number }).statusCode === 410) {
          log.info('watch expired (410 Gone); relisting', { informer: this.name });
          this.resourceVersion = undefined;
          // Expired again right after a relist: back off, or list and watch would spin.
          if (watchStarted && Date.now() - watchStarted < HEALTHY_MS) await this.sleep(this.nextBackoff());
          continue;
        }
        const delay = this.nextBackoff(err);
        log.warn('list/watch failed; retrying', { informer: this.name, error: err instanceof Error ? err.message : String(err), retryInMs: delay });
        await this.sleep(delay);
      }
    }
  }
}
