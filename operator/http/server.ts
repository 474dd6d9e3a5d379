// Small HTTP endpoints: probes, metrics and the localhost-only debug views. Each listener is a
// node:http server (node:https with a serving certificate) bound to the configured address ("0"
// disables it); an endpoint with an authorizer answers only the requests it lets through.
import http from 'node:http';
import https from 'node:https';
import { log } from '../log.js';
import type { MetricsAuth } from './metrics-auth.js';
import type { ServingCertificate } from './serving-cert.js';

export type Route = (req: http.IncomingMessage, url: URL) => Promise<{ status: number; body: string; type?: string }>;

export function parseBindAddress(addr: string): { host: string | undefined; port: number } | undefined {
  if (addr === '0' || addr === '') return undefined;
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`bind address "${addr}" must be [host]:port`);
  const port = Number(addr.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bind address "${addr}" has an invalid port`);
  const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
  return { host: host || undefined, port };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK.has(host);
}

export interface EndpointSecurity {
  /** Serve HTTPS with this certificate (reloaded when its files change). */
  tls?: ServingCertificate;
  /** Authenticate and authorize every request (TokenReview + SubjectAccessReview). */
  auth?: MetricsAuth;
}

export class HttpEndpoint {
  private server: http.Server | undefined;

  constructor(
    readonly name: string,
    private readonly routes: Record<string, Route>,
    private readonly security: EndpointSecurity = {},
  ) {}

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = req.method === 'GET' ? this.routes[url.pathname] : undefined;
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const auth = this.security.auth;
    const allowed = auth ? auth.check(req, url.pathname) : Promise.resolve({ ok: true as const, user: '' });
    allowed.then(
      (a) => {
        if (!a.ok) {
          log.debug('request refused', { endpoint: this.name, path: url.pathname, status: a.status, reason: a.message });
          res.writeHead(a.status, { 'Content-Type': 'text/plain' }).end(`${a.message}\n`);
          return;
        }
        this.serve(route, req, res, url);
      },
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error\n'),
    );
  }

  private serve(route: Route, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    route(req, url).then(
      (r) => res.writeHead(r.status, { 'Content-Type': r.type ?? 'text/plain; charset=utf-8' }).end(r.body),
      (err: unknown) => {
        log.error('http handler failed', { endpoint: this.name, path: url.pathname, error: err instanceof Error ? err.message : String(err) });
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error\n');
      },
    );
  }

  /** Listens; resolves with the bound port (useful with port 0). */
  async listen(addr: string): Promise<number | undefined> {
    const bind = parseBindAddress(addr);
    if (!bind) return undefined;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => this.handle(req, res);
    const tls = this.security.tls;
    let server: http.Server;
    if (tls) {
      const pair = await tls.current();
      const secure = https.createServer({ key: pair.key, cert: pair.cert, minVersion: 'TLSv1.2' }, handler);
      tls.watch((next) => {
        secure.setSecureContext({ key: next.key, cert: next.cert });
        log.info('serving certificate reloaded', { endpoint: this.name, source: next.source });
      });
      log.info('serving TLS', {
        endpoint: this.name,
        certificate: pair.source,
        authorization: this.security.auth ? 'TokenReview+SubjectAccessReview' : 'none',
      });
      server = secure;
    } else {
      server = http.createServer(handler);
    }
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(bind.port, bind.host, () => {
        const a = server.address();
        const port = typeof a === 'object' && a ? a.port : undefined;
        log.info('listening', { endpoint: this.name, address: `${bind.host ?? '0.0.0.0'}:${port}` });
        resolve(port);
      });
    });
  }

  close(): Promise<void> {
    this.security.tls?.stop();
    const s = this.server;
    if (!s?.listening) return Promise.resolve();
    s.closeAllConnections();
    return new Promise((r) => s.close(() => r()));
  }
}
