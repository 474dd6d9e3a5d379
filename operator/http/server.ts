// Small HTTP endpoints: probes, metrics and the localhost-only debug views. Each listener is a
// plain node:http server bound to the configured address ("0" disables it).
import http from 'node:http';
import { log } from '../log.js';

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

export class HttpEndpoint {
  private server: http.Server | undefined;

  constructor(
    readonly name: string,
    private readonly routes: Record<string, Route>,
  ) {}

  /** Listens; resolves with the bound port (useful with port 0). */
  listen(addr: string): Promise<number | undefined> {
    const bind = parseBindAddress(addr);
    if (!bind) return Promise.resolve(undefined);
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = req.method === 'GET' ? this.routes[url.pathname] : undefined;
      if (!route) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      route(req, url).then(
        (r) => res.writeHead(r.status, { 'Content-Type': r.type ?? 'text/plain; charset=utf-8' }).end(r.body),
        (err: unknown) => {
          log.error('http handler failed', { endpoint: this.name, path: url.pathname, error: err instanceof Error ? err.message : String(err) });
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error\n');
        },
      );
    });
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
    const s = this.server;
    if (!s?.listening) return Promise.resolve();
    s.closeAllConnections();
    return new Promise((r) => s.close(() => r()));
  }
}
