// HTTP/2 to the API server, as client-go speaks it: one TLS connection carries every request and
// every watch. Over HTTP/1.1 each watch holds a connection of its own — forty TLS handshakes at
// start-up, forty sockets' buffers for good, and the server closing the idle request connections
// every few minutes. The protocol is chosen by ALPN on the first connection: when the server (or a
// TLS proxy in between) answers http/1.1, the client keeps to its HTTP/1.1 agents.
import http2, { type ClientHttp2Session } from 'node:http2';
import { isIP } from 'node:net';
import tls, { type SecureContext } from 'node:tls';

export interface Http2Target {
  server: URL;
  secureContext: SecureContext | undefined;
  rejectUnauthorized: boolean | undefined;
  servername: string | undefined;
}

/** The window a stream may receive before the client reads it: a page of a large list (≈2.5 MB of
 *  Nodes) arrives in a few round trips rather than forty 64 KB ones; the session's is larger so one
 *  busy stream does not hold up the watches. */
const STREAM_WINDOW = 1 << 20;
const SESSION_WINDOW = 4 << 20;
/** As long as a request may wait for a silent server. */
const CONNECT_TIMEOUT_MS = 60_000;

export class Http2Connection {
  private session: ClientHttp2Session | undefined;
  private connecting: Promise<ClientHttp2Session | undefined> | undefined;
  /** The TLS connection being made, so close() can end it too. */
  private handshaking: tls.TLSSocket | undefined;
  /** The server answered http/1.1: no more attempts on this target. */
  private http1 = false;
  private closed = false;
  private opened = 0;

  constructor(private readonly target: Http2Target) {}

  /** The session to send on, or undefined when the server speaks HTTP/1.1 only. */
  async get(): Promise<ClientHttp2Session | undefined> {
    if (this.http1 || this.closed) return undefined;
    const s = this.session;
    if (s && !s.closed && !s.destroyed) return s;
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  close(): void {
    this.closed = true;
    this.handshaking?.destroy();
    this.session?.destroy();
    this.session = undefined;
  }

  /** TLS connections opened (for tests and the bench: one, unless the session was lost). */
  get connections(): number {
    return this.opened;
  }

  get protocol(): 'h2' | 'http/1.1' | undefined {
    return this.http1 ? 'http/1.1' : this.session ? 'h2' : undefined;
  }

  private connect(): Promise<ClientHttp2Session | undefined> {
    const { server, secureContext, rejectUnauthorized, servername } = this.target;
    const host = server.hostname.replace(/^\[|\]$/g, '');
    return new Promise((resolve, reject) => {
      this.opened++;
      const socket = tls.connect({
        host,
        port: Number(server.port || 443),
        // SNI is a host name, never an address (as the HTTPS agent does it).
        servername: servername ?? (isIP(host) ? undefined : host),
        secureContext,
        rejectUnauthorized,
        ALPNProtocols: ['h2', 'http/1.1'],
      });
      this.handshaking = socket;
      const fail = (err: Error): void => {
        this.handshaking = undefined;
        reject(err);
      };
      const closed = (): void => fail(new Error(`${server.origin}: connection closed before the TLS handshake ended`));
      socket.once('error', fail);
      socket.once('close', closed);
      // A server that accepts and never answers must not hold every request forever.
      socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error(`${server.origin}: TLS handshake timed out`)));
      socket.once('secureConnect', () => {
        this.handshaking = undefined;
        socket.setTimeout(0);
        socket.off('error', fail).off('close', closed);
        if (socket.alpnProtocol !== 'h2' || this.closed) {
          this.http1 = socket.alpnProtocol !== 'h2';
          socket.destroy();
          return resolve(undefined);
        }
        const session = http2.connect(server.origin, {
          createConnection: () => socket,
          settings: { enablePush: false, initialWindowSize: STREAM_WINDOW },
        });
        session.once('connect', () => session.setLocalWindowSize(SESSION_WINDOW));
        // The streams hear of a broken session; it is only forgotten here, so the next request
        // opens a new one. A GOAWAY lets the streams in flight finish on it.
        session.on('error', () => undefined);
        const forget = (): void => {
          if (this.session === session) this.session = undefined;
        };
        session.once('goaway', forget);
        session.once('close', forget);
        session.unref();
        this.session = session;
        resolve(session);
      });
    });
  }
}
