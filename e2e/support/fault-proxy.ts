// Test support: a loopback HTTPS proxy between the operator and the API server that injects
// faults — latency, dropped connections, TCP resets, hung requests, 429 with Retry-After, 5xx,
// cut watches and watches that expire (410 Gone) — and records every request it sees, so a test
// can measure request rates and count writes. It terminates TLS with the API server's own
// certificate (valid for 127.0.0.1), so the operator's kubeconfig only changes its port.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'latency'; ms: number }
  | { kind: 'drop' }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'status'; code: number; retryAfterSeconds?: number }
  | { kind: 'gone' };

export interface RequestInfo {
  method: string;
  path: string;
  watch: boolean;
  userAgent: string;
}

export interface FaultRule {
  fault: Fault;
  match?: (r: RequestInfo) => boolean;
  /** Share of matching requests that get the fault (default 1). */
  probability?: number;
}

export interface SeenRequest extends RequestInfo {
  at: number;
  fault?: Fault['kind'];
  status?: number;
}

/** Writes: what changes the cluster (dry-runs and Lease requests are not counted). */
export const isWrite = (r: SeenRequest): boolean =>
  r.method !== 'GET' && !r.path.includes('dryRun=All') && !r.path.includes('/leases') && r.fault === undefined;

export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  private rules: FaultRule[] = [];
  private readonly hung = new Set<Socket>();
  private readonly watches = new Set<Socket>();
  private readonly server: https.Server;
  private readonly agent: https.Agent;
  url = '';

  constructor(
    private readonly upstream: URL,
    tls: { cert: Buffer; key: Buffer; ca: Buffer },
  ) {
    this.agent = new https.Agent({ keepAlive: true, ca: tls.ca, maxSockets: 64 });
    this.server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      this.handle(req, res).catch(() => req.socket.destroy());
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Replaces the faults in force. */
  set(rules: FaultRule[]): void {
    this.rules = rules;
  }

  /** Ends every fault; hung requests are cut (their client sees the connection drop). */
  clear(): void {
    this.rules = [];
    for (const s of this.hung) s.destroy();
    this.hung.clear();
  }

  /** Cuts every watch stream in flight. */
  cutWatches(): number {
    const n = this.watches.size;
    for (const s of this.watches) s.destroy();
    this.watches.clear();
    return n;
  }

  since(t: number, pred: (r: SeenRequest) => boolean = () => true): SeenRequest[] {
    return this.seen.filter((r) => r.at >= t && pred(r));
  }

  async close(): Promise<void> {
    this.clear();
    this.cutWatches();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
    this.agent.destroy();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const info: RequestInfo = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      watch: /[?&]watch=(true|1)/.test(req.url ?? ''),
      userAgent: String(req.headers['user-agent'] ?? ''),
    };
    const rule = this.rules.find((r) => (!r.match || r.match(info)) && Math.random() < (r.probability ?? 1));
    const seen: SeenRequest = { ...info, at: Date.now(), fault: rule && rule.fault.kind !== 'latency' ? rule.fault.kind : undefined };
    this.seen.push(seen);
    const socket = req.socket;
    switch (rule?.fault.kind) {
      case 'drop':
        socket.destroy();
        return;
      case 'reset':
        // A TLS socket cannot send an RST itself: its TCP socket underneath can.
        ((socket as Socket & { _parent?: Socket })._parent ?? socket).resetAndDestroy();
        return;
      case 'hang':
        this.hung.add(socket);
        res.once('close', () => this.hung.delete(socket));
        return;
      case 'status': {
        const f = rule.fault as { code: number; retryAfterSeconds?: number };
        seen.status = f.code;
        const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
        if (f.retryAfterSeconds !== undefined) headers['retry-after'] = String(f.retryAfterSeconds);
        res.writeHead(f.code, headers);
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            code: f.code,
            reason: f.code === 429 ? 'TooManyRequests' : 'InternalError',
            message: `injected ${f.code}`,
          }),
        );
        return;
      }
      case 'gone':
        if (info.watch) {
          seen.status = 200;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              type: 'ERROR',
              object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version', reason: 'Expired', code: 410 },
            }) + '\n',
          );
          return;
        }
        break;
      case 'latency':
        await new Promise((r) => setTimeout(r, (rule.fault as { ms: number }).ms));
        break;
    }
    this.forward(req, res, info, seen);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, info: RequestInfo, seen: SeenRequest): void {
    const up = https.request(
      {
        host: this.upstream.hostname,
        port: this.upstream.port,
        method: info.method,
        path: info.path,
        headers: { ...req.headers, host: this.upstream.host },
        agent: this.agent,
      },
      (upRes) => {
        seen.status = upRes.statusCode;
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (info.watch) {
          const s = req.socket;
          this.watches.add(s);
          res.once('close', () => this.watches.delete(s));
        }
        upRes.pipe(res);
        upRes.on('error', () => req.socket.destroy());
      },
    );
    up.on('error', () => req.socket.destroy());
    res.once('close', () => up.destroy());
    req.pipe(up);
  }
}

/** Requests per second: the mean over a window, and the busiest single second. */
export function rate(reqs: SeenRequest[], fromMs: number, toMs: number): { mean: number; peak: number } {
  const buckets = new Map<number, number>();
  for (const r of reqs)
    if (r.at >= fromMs && r.at < toMs) buckets.set(Math.floor((r.at - fromMs) / 1000), (buckets.get(Math.floor((r.at - fromMs) / 1000)) ?? 0) + 1);
  const total = [...buckets.values()].reduce((a, b) => a + b, 0);
  return { mean: total / Math.max(0.001, (toMs - fromMs) / 1000), peak: Math.max(0, ...buckets.values()) };
}
