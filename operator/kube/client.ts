// A thin REST client over @kubernetes/client-node's KubeConfig (which owns authentication:
// tokens, client certs, exec plugins, in-cluster). We keep our own keep-alive agent and build
// requests ourselves because the operator needs things the generated clients do not give it:
// Server-Side Apply with force/dryRun/fieldValidation=Strict on any kind, a count of every
// request by verb (steady state must be provably silent), and pagination for large lists.
import http from 'node:http';
import https from 'node:https';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { jsonText } from '../util/json-text.js';
import { applyBody } from './apply-body.js';
import { KubeError, parseRetryAfter, type KubeStatus } from './errors.js';
import type { KubeObject, KubeList } from './types.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  /** The verb to count this request as, when the method alone does not say (list vs get). */
  verb?: string;
  /** Abandons the request (e.g. a Lease request past the renew deadline). */
  signal?: AbortSignal;
}

/**
 * Permission to write, checked before every request that is not a GET. The leader elector holds
 * one: after "lost" (or while leadership is in doubt) no write leaves the process, and its signal
 * aborts the writes in flight.
 */
export interface WriteGate {
  /** Throws when writes are not allowed now. */
  check(): void;
  readonly signal: AbortSignal;
}

/** Called once per request sent, so metrics and tests can count API traffic. */
export type RequestObserver = (verb: string, path: string) => void;

export const FIELD_MANAGER = 'virt-platform-operator';

/** Sets client-node's (private) watch inactivity timeout; fails loudly if a new client-node renamed it. */
function setInactivityTimeout(watch: Watch, ms: number): void {
  const w = watch as unknown as { requestTimeoutMs?: number };
  if (typeof w.requestTimeoutMs !== 'number') throw new Error('@kubernetes/client-node Watch has no requestTimeoutMs any more: revisit KubeClient.watch');
  w.requestTimeoutMs = ms;
}

const VERBS: Record<string, string> = { GET: 'get', PATCH: 'patch', PUT: 'update', POST: 'create', DELETE: 'delete' };

export class KubeClient {
  readonly server: URL;
  private agent: http.Agent | undefined;
  private agentKey = '';
  private observers: RequestObserver[] = [];
  private gate: WriteGate | undefined;

  /** @param userAgent also the default field manager of non-apply writes */
  constructor(
    readonly config: KubeConfig,
    private readonly userAgent = FIELD_MANAGER,
  ) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
  }

  static fromKubeconfigFile(path: string): KubeClient {
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    return new KubeClient(kc);
  }

  /** In-cluster when running in a pod, else KUBECONFIG / ~/.kube/config. */
  static fromDefault(): KubeClient {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return new KubeClient(kc);
  }

  onRequest(observer: RequestObserver): void {
    this.observers.push(observer);
  }

  /** Every later non-GET request must pass the gate (leader election). */
  setWriteGate(gate: WriteGate | undefined): void {
    this.gate = gate;
  }

  /**
   * A client on the same kubeconfig whose requests pass no write gate, for requests that are not
   * the leader's writes (the Lease itself, reviews of /metrics scrapers, which a standby sends
   * too). It shares this client's request observers, so every request stays counted.
   */
  ungated(userAgent: string): KubeClient {
    const c = new KubeClient(this.config, userAgent);
    c.observers = this.observers;
    return c;
  }

  private async connectionOptions(): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = {};
    await this.config.applyToHTTPSOptions(opts);
    const key = JSON.stringify([opts.ca, opts.cert, opts.key, opts.rejectUnauthorized]);
    if (!this.agent || key !== this.agentKey) {
      this.agent?.destroy();
      const tls = { ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername };
      this.agent = this.server.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 16, ...tls }) : new http.Agent({ keepAlive: true, maxSockets: 16 });
      this.agentKey = key;
    }
    return opts;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts = await this.connectionOptions();
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.userAgent };
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = typeof options.body === 'string' ? options.body : jsonText(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const verb = options.verb ?? VERBS[method] ?? method.toLowerCase();
    const gate = method === 'GET' ? undefined : this.gate;
    gate?.check();
    options.signal?.throwIfAborted();
    const signals = [options.signal, gate?.signal].filter((x): x is AbortSignal => x !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    for (const o of this.observers) o(verb, url.pathname);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(url, { method, headers, agent: this.agent, timeout: 60_000, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(parsed as T);
          else reject(new KubeError(status, method, url.pathname, parsed as KubeStatus | undefined, text, parseRetryAfter(res.headers['retry-after'])));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: request timed out`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  get<T extends KubeObject = KubeObject>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal });
  }

  /** GET that maps 404 to undefined. */
  async getOrUndefined<T extends KubeObject = KubeObject>(path: string, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await this.get<T>(path, undefined, signal);
    } catch (err) {
      if (err instanceof KubeError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Lists every page (limit/continue) so a big collection never arrives as one huge body. */
  async listAll<T extends KubeObject = KubeObject>(path: string, query: Query = {}, pageSize = 500, onItem?: (item: T) => void): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.request<KubeList<T>>('GET', path, { query: { ...query, limit: pageSize, continue: cont }, verb: 'list' });
      // List items come without apiVersion/kind; restore them (Events and logs need the kind).
      const kind = page.kind?.replace(/List$/, '');
      for (const item of page.items ?? []) {
        item.apiVersion ??= page.apiVersion;
        item.kind ??= kind;
        if (onItem) onItem(item);
        else items.push(item);
      }
      cont = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (cont);
    return { items, resourceVersion };
  }

  /** Server-Side Apply. */
  apply<T extends KubeObject = KubeObject>(path: string, obj: KubeObject, opts: { fieldManager?: string; force?: boolean; dryRun?: boolean; strict?: boolean } = {}): Promise<T> {
    return this.request<T>('PATCH', path, {
      body: applyBody(obj),
      contentType: 'application/apply-patch+yaml',
      query: {
        fieldManager: opts.fieldManager ?? FIELD_MANAGER,
        force: opts.force ?? true,
        dryRun: opts.dryRun ? 'All' : undefined,
        fieldValidation: opts.strict ? 'Strict' : undefined,
      },
    });
  }

  mergePatch<T extends KubeObject = KubeObject>(path: string, patch: unknown, fieldManager = FIELD_MANAGER): Promise<T> {
    return this.request<T>('PATCH', path, { body: patch, contentType: 'application/merge-patch+json', query: { fieldManager } });
  }

  create<T extends KubeObject = KubeObject>(collectionPath: string, obj: unknown, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('POST', collectionPath, { body: obj, query, signal });
  }

  replace<T extends KubeObject = KubeObject>(path: string, obj: unknown, signal?: AbortSignal): Promise<T> {
    return this.request<T>('PUT', path, { body: obj, signal });
  }

  delete(path: string, query?: Query): Promise<unknown> {
    return this.request('DELETE', path, { query });
  }

  /**
   * Starts a watch (client-node's Watch does the streaming and line parsing).
   * `done` fires once, when the server closes the stream or on any error.
   */
  async watch(path: string, query: Query, onEvent: (type: string, obj: KubeObject) => void, done: (err: unknown) => void): Promise<AbortController> {
    for (const o of this.observers) o('watch', path);
    const watch = new Watch(this.config);
    // client-node 2.x ends a watch after 30 s without data (an inactivity timeout), but an idle
    // watch is quiet for minutes, and every such end would cost a new request at steady state.
    // The server closes the watch at timeoutSeconds anyway: wait that long plus a margin, so only
    // a dead connection trips it.
    setInactivityTimeout(watch, ((Number(query.timeoutSeconds) || 600) + 30) * 1000);
    return watch.watch(path, query, (type, obj) => onEvent(type, obj as KubeObject), done);
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }
}
