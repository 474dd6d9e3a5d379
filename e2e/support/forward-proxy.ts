// A loopback forward proxy, as a kubeconfig's proxy-url names one: CONNECT tunnels (an https API
// server) and absolute-URI requests (an http one). It records what went through it, so a test can
// prove that every request — REST calls and watches alike — took the proxy.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export class ForwardProxy {
  /** "CONNECT host:port" per tunnel, "METHOD url" per forwarded request. */
  readonly seen: string[] = [];
  /** The local ports of the proxy's connections to the server: the server sees them as client ports. */
  readonly upstreamPorts = new Set<number>();
  private readonly server = http.createServer((req, res) => this.forward(req, res));
  private readonly sockets = new Set<net.Socket>();

  constructor() {
    this.server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      this.seen.push(`CONNECT ${req.url}`);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        if (upstream.localPort) this.upstreamPorts.add(upstream.localPort);
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => (s === client ? upstream : client).destroy());
      }
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '/');
    const out = http.request(target, { method: req.method, headers: req.headers }, (up) => {
      if (out.socket?.localPort) this.upstreamPorts.add(out.socket.localPort);
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
