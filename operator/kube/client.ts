// A thin REST client over @kubernetes/client-node's KubeConfig (which owns authentication:
// tokens, client certs, exec plugins, in-cluster, and the kubeconfig's proxy-url). We keep our own
// connections — one HTTP/2 session when the server speaks it (http2-connection.ts), else
// keep-alive agents (client-node's proxy agent when a proxy-url is set) — and build
// requests ourselves because the operator needs things the generated clients do not give it:
// Server-Side Apply with force/dryRun/fieldValidation=Strict on any kind, a count of every
// request by verb (steady state must be provably silent), pagination for large lists, and watches
// in the metadata-only form (an Accept header client-node's Watch cannot send).
import http from 'node:http';
import https from 'node:https';
import type { ClientHttp2Session } from 'node:http2';
import { StringDecoder } from 'node:string_decoder';
import { createSecureContext } from 'node:tls';
// Only the KubeConfig module: the package's index also loads the whole generated API surface.
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { jsonText } from '../util/json-text.js';
import { applyBody } from './apply-body.js';
import { KubeError, parseRetryAfter, type KubeStatus } from './errors.js';
import type { KubeObject, KubeList } from '../vocabulary/object.js';
import { isProtobuf, WatchFrames } from './protobuf.js';
import { collectYoungGeneration } from '../util/young-gc.js';
import { http1Call, http2Call, type Call, type Reply } from './call.js';
import { Http2Connection } from './http2-connection.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  /** The verb to count this request as, when the method alone does not say (list vs get). */
  verb?: string;
  accept?: string;
  /** Abandons the request (e.g. a Lease request past the renew deadline). */
  signal?: AbortSignal;
  /** Takes a 2xx body as it arrives instead of collecting it (a big list, read item by item):
   *  given the content type, returns where the chunks go, or undefined to collect them. */
  stream?: (contentType: string) => ((chunk: Buffer) => void) | undefined;
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

/** How long the kubeconfig's credentials and TLS material, once read, serve requests. */
const OPTIONS_TTL_MS = 5000;

/** Certificate or key material as a string to compare (PEM text, a Buffer, or a list of them). */
const pemBytes = (b: unknown): string =>
  Buffer.isBuffer(b) ? b.toString('latin1') : Array.isArray(b) ? b.map(pemBytes).join('\0') : typeof b === 'string' ? b : '';

const VERBS: Record<string, string> = { GET: 'get', PATCH: 'patch', PUT: 'update', POST: 'create', DELETE: 'delete' };

/**
 * The kubeconfig's proxy-url: the agent client-node builds for it (a CONNECT tunnel through an
 * http(s) proxy, or SOCKS for socks5://), for requests and watches alike, so every request takes
 * the same way out. (It opens a tunnel per request: client-node builds it without keep-alive.)
 */
function proxyAgent(opts: https.RequestOptions, proxyUrl: string): http.Agent {
  if (!(opts.agent instanceof http.Agent)) throw new Error(`kubeconfig proxy-url ${proxyUrl}: the client library built no proxy agent for it`);
  return opts.agent;
}

export class KubeClient {
  readonly server: URL;
  private agent: http.Agent | undefined;
  /** Watches hold their connection for minutes: their own pool, so they never starve requests. */
  private watchAgent: http.Agent | undefined;
  /** HTTP/2 to the server, tried first for https: without a proxy. */
  private http2: Http2Connection | undefined;
  private agentKey = '';
  private optionsCache: { at: number; opts: https.RequestOptions } | undefined;
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
    // Reused for a few seconds: the library re-reads the CA and token files each time (a good
    // part of each request's CPU when the watches all start); a rotated token is still picked up
    // within OPTIONS_TTL_MS (client-go re-reads its token file once a minute).
    if (this.optionsCache && Date.now() - this.optionsCache.at < OPTIONS_TTL_MS) return this.optionsCache.opts;
    const opts: https.RequestOptions = {};
    await this.config.applyToHTTPSOptions(opts);
    const proxyUrl = this.config.getCurrentCluster()?.proxyUrl;
    // Compared as bytes: stringifying the certificates on every request was a hot spot.
    const key = [opts.ca, opts.cert, opts.key].map(pemBytes).join('\0') + String(opts.rejectUnauthorized) + '\0' + (proxyUrl ?? '');
    if (!this.agent || key !== this.agentKey) {
      this.agent?.destroy();
      this.watchAgent?.destroy();
      this.http2?.close();
      this.http2 = undefined;
      if (proxyUrl) {
        this.agent = this.watchAgent = proxyAgent(opts, proxyUrl);
      } else {
        // One TLS context for every connection: building it (parsing the CA and the client key)
        // per connection was a good part of the start-up's CPU, when the watches all connect.
        const secureContext = this.server.protocol === 'https:' ? createSecureContext({ ca: opts.ca, cert: opts.cert, key: opts.key }) : undefined;
        const tls = { secureContext, rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername };
        const agent = (maxSockets: number): http.Agent =>
          this.server.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets, ...tls }) : new http.Agent({ keepAlive: true, maxSockets });
        this.agent = agent(16);
        this.watchAgent = agent(Infinity);
        if (secureContext) this.http2 = new Http2Connection({ server: this.server, ...tls });
      }
      this.agentKey = key;
    }
    this.optionsCache = { at: Date.now(), opts };
    return opts;
  }

  private async headers(accept = 'application/json'): Promise<Record<string, string>> {
    const opts = await this.connectionOptions();
    const headers: Record<string, string> = { Accept: accept, 'User-Agent': this.userAgent };
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return headers;
  }

  private url(path: string, query: Query = {}): URL {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { body } = await this.requestBytes(method, path, options);
    const text = body.toString('utf8');
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      return undefined as T;
    }
  }

  /** The response body as bytes, with its content type (a 2xx status; a KubeError otherwise). */
  async requestBytes(method: string, path: string, options: RequestOptions = {}): Promise<{ body: Buffer; contentType: string }> {
    const url = this.url(path, options.query);
    const headers = await this.headers(options.accept);
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
    const session = await this.http2?.get();
    signal?.throwIfAborted();
    return new Promise((resolveWith, rejectWith) => {
      const onAbort = (): void => req.destroy(abortError());
      const resolve = (r: { body: Buffer; contentType: string }): void => (signal?.removeEventListener('abort', onAbort), resolveWith(r));
      const reject = (e: Error): void => (signal?.removeEventListener('abort', onAbort), rejectWith(e));
      const req = this.open(session, url, method, headers, this.agent, ({ status, headers: resHeaders, body: res, broken }) => {
        const chunks: Buffer[] = [];
        const contentType = String(resHeaders['content-type'] ?? '');
        const sink = status >= 200 && status < 300 ? options.stream?.(contentType) : undefined;
        let failed = false;
        const lost = (): Error => new Error(`${method} ${url.pathname}: connection lost before the response ended`);
        res.on('data', (c: Buffer) => {
          if (!sink) return void chunks.push(c);
          if (failed) return;
          try {
            sink(c);
          } catch (e) {
            failed = true;
            req.destroy(e as Error);
          }
        });
        res.on('error', reject);
        res.on('end', () => {
          if (failed) return;
          if (broken()) return reject(lost());
          // A streamed body's chunks are all dead now: free them before they pile up.
          if (sink) collectYoungGeneration();
          const body = Buffer.concat(chunks);
          if (status >= 200 && status < 300) return resolve({ body, contentType });
          // (A Status in protobuf, when that was asked for, is not read: the code says enough.)
          const text = /json/.test(String(resHeaders['content-type'] ?? 'json')) ? body.toString('utf8') : '';
          let parsed: KubeStatus | undefined;
          try {
            parsed = text ? (JSON.parse(text) as KubeStatus) : undefined;
          } catch {
            parsed = undefined;
          }
          const retryAfter = resHeaders['retry-after'];
          reject(new KubeError(status, method, url.pathname, parsed, text, parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined)));
        });
        // After 'end' this changes nothing: only a body that broke off fails here.
        res.on('close', () => reject(lost()));
      });
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${url.pathname}: request timed out`)));
      req.onError(reject);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(payload);
    });
  }

  /** One exchange: a stream of the HTTP/2 session when there is one, else a request on `agent`. */
  private open(
    session: ClientHttp2Session | undefined,
    url: URL,
    method: string,
    headers: Record<string, string>,
    agent: http.Agent | undefined,
    onReply: (r: Reply) => void,
  ): Call {
    return session ? http2Call(session, url, method, headers, onReply) : http1Call(url, method, headers, agent, onReply);
  }

  /** The protocol the client speaks to the server ('h2' once a session is open), and the TLS
   *  connections it opened for HTTP/2 (tests and the bench). */
  transport(): { protocol: string | undefined; http2Connections: number } {
    return { protocol: this.http2?.protocol ?? (this.agent ? 'http/1.1' : undefined), http2Connections: this.http2?.connections ?? 0 };
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
  async listAll<T extends KubeObject = KubeObject>(
    path: string,
    query: Query = {},
    pageSize = 500,
    onItem?: (item: T) => void,
  ): Promise<{ items: T[]; resourceVersion: string }> {
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
  apply<T extends KubeObject = KubeObject>(
    path: string,
    obj: KubeObject,
    opts: { fieldManager?: string; force?: boolean; dryRun?: boolean; strict?: boolean } = {},
  ): Promise<T> {
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
   * Starts a watch: one JSON event per line, parsed as the lines arrive — or, when the caller can
   * read protobuf (`decodeFrame`, with an `accept` that asks for it) and the server answers so,
   * length-prefixed frames. `done` fires once: with nothing when the server ends the stream or the
   * watch is aborted, with the error otherwise.
   */
  async watch(
    path: string,
    query: Query,
    onEvent: (type: string, obj: KubeObject) => void,
    done: (err: unknown) => void,
    opts: { accept?: string; decodeFrame?: (frame: Uint8Array) => { type: string; object: KubeObject } } = {},
  ): Promise<AbortController> {
    const { accept, decodeFrame } = opts;
    for (const o of this.observers) o('watch', path);
    const url = this.url(path, { ...query, watch: true });
    const headers = await this.headers(accept);
    const ac = new AbortController();
    let finished = false;
    const finish = (err?: unknown): void => {
      if (finished) return;
      finished = true;
      done(ac.signal.aborted ? undefined : err);
    };
    const session = await this.http2?.get();
    const req = this.open(session, url, 'GET', headers, this.watchAgent, ({ status, headers: resHeaders, body: res, broken }) => {
      res.on('error', finish);
      const decoder = new StringDecoder('utf8');
      let buffered = '';
      if (status !== 200) {
        res.on('data', (c: Buffer) => (buffered += decoder.write(c)));
        res.on('end', () => {
          let parsed: KubeStatus | undefined;
          try {
            parsed = JSON.parse(buffered) as KubeStatus;
          } catch {
            parsed = undefined;
          }
          finish(new KubeError(status, 'WATCH', url.pathname, parsed, buffered));
        });
        res.on('close', () => finish(new KubeError(status, 'WATCH', url.pathname, undefined, buffered)));
        return;
      }
      if (isProtobuf(String(resHeaders['content-type'] ?? ''))) {
        const frames = new WatchFrames();
        res.on('data', (c: Buffer) => {
          for (const frame of frames.push(c)) {
            let event: { type: string; object: KubeObject };
            try {
              if (!decodeFrame) throw new Error('protobuf was not asked for');
              event = decodeFrame(frame);
            } catch (e) {
              req.destroy(new Error(`${url.pathname}: watch event not understood: ${(e as Error).message}`));
              return;
            }
            onEvent(event.type, event.object);
            if (finished) return;
          }
        });
      } else {
        res.on('data', (c: Buffer) => {
          buffered += decoder.write(c);
          let start = 0;
          for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n', start)) {
            const line = buffered.slice(start, nl);
            start = nl + 1;
            if (!line) continue;
            let event: { type: string; object: KubeObject };
            try {
              event = JSON.parse(line) as { type: string; object: KubeObject };
            } catch (e) {
              req.destroy(new Error(`${url.pathname}: watch event is not JSON: ${(e as Error).message}`));
              return;
            }
            onEvent(event.type, event.object);
            if (finished) return;
          }
          buffered = buffered.slice(start);
        });
      }
      const lost = (): Error => new Error(`${url.pathname}: watch connection lost`);
      res.on('end', () => finish(broken() ? lost() : undefined));
      // After 'end' this changes nothing: only a stream that broke off is lost.
      res.on('close', () => finish(lost()));
    });
    req.onError(finish);
    // Not the request's `signal` option: that destroys the request with an AbortError, which is an
    // uncaught exception when the response has already ended (a 410 ERROR event, then the end of
    // the stream, in one chunk). Destroyed without an error, it closes quietly in every state.
    ac.signal.addEventListener('abort', () => req.destroy(), { once: true });
    // A dead connection (no reset, no data) must not hold the watch forever. The server ends the
    // watch at timeoutSeconds and sends bookmarks meanwhile: only silence well past that trips it.
    const silentMs = ((Number(query.timeoutSeconds) || 600) + 30) * 1000;
    req.setTimeout(silentMs, () => {
      if (!finished) req.destroy(new Error(`${url.pathname}: watch silent for ${silentMs / 1000} s`));
    });
    req.end();
    return ac;
  }

  close(): void {
    this.optionsCache = undefined;
    this.http2?.close();
    this.http2 = undefined;
    this.agent?.destroy();
    this.agent = undefined;
    this.watchAgent?.destroy();
    this.watchAgent = undefined;
  }
}

/** What a request aborted by its signal fails with (as Node's own requests do). */
function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}
