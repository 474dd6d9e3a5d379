// One HTTP exchange with the API server, the same shape over HTTP/1.1 (a request on a keep-alive
// agent) and over HTTP/2 (a stream of the one session): the client's requests and watches are
// written once against it.
import type { ClientHttp2Session } from 'node:http2';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';

export type Headers = Record<string, string | string[] | undefined>;

export interface Reply {
  status: number;
  /** Lower-case names, as Node gives them for both protocols. */
  headers: Headers;
  /** The body: 'data', then 'end', 'close'; 'error' when it broke. */
  body: Readable;
  /** At 'end': whether the body broke off rather than ended (HTTP/2 ends a stream whose connection
   *  was lost too, with a reset code). */
  broken: () => boolean;
}

export interface Call {
  /** Sends the request, with its body if any. */
  end(payload?: string): void;
  /** Abandons the exchange: with an error, 'error' listeners hear it; without, it ends quietly. */
  destroy(err?: Error): void;
  onError(listener: (err: Error) => void): void;
  /** Fires when nothing has moved either way for `ms`. */
  setTimeout(ms: number, listener: () => void): void;
}

/** An exchange on an HTTP/1.1 agent (http: or https: by the URL). */
export function http1Call(url: URL, method: string, headers: Record<string, string>, agent: http.Agent | undefined, onReply: (r: Reply) => void): Call {
  const transport = url.protocol === 'https:' ? https : http;
  const req = transport.request(url, { method, headers, agent }, (res) =>
    onReply({ status: res.statusCode ?? 0, headers: res.headers, body: res, broken: () => !res.complete }),
  );
  return {
    end: (payload) => {
      if (payload !== undefined) req.write(payload);
      req.end();
    },
    destroy: (err) => void req.destroy(err),
    onError: (l) => void req.on('error', l),
    setTimeout: (ms, l) => void req.setTimeout(ms, l),
  };
}

/** Streams in flight per session: the session holds the process open while there are any, and
 *  only then (a CLI command exits when its work is done, as with the agents' idle sockets). */
const inFlight = new WeakMap<ClientHttp2Session, number>();

/** An exchange as a stream of an HTTP/2 session. */
export function http2Call(session: ClientHttp2Session, url: URL, method: string, headers: Record<string, string>, onReply: (r: Reply) => void): Call {
  const h2: Record<string, string> = { ':method': method, ':path': url.pathname + url.search };
  for (const [k, v] of Object.entries(headers)) h2[k.toLowerCase()] = v;
  const stream = session.request(h2, { endStream: false });
  const n = inFlight.get(session) ?? 0;
  if (n === 0) session.ref();
  inFlight.set(session, n + 1);
  stream.once('close', () => {
    const left = (inFlight.get(session) ?? 1) - 1;
    inFlight.set(session, left);
    if (left === 0 && !session.destroyed) session.unref();
  });
  stream.on('response', (res) => onReply({ status: Number(res[':status'] ?? 0), headers: res, body: stream, broken: () => (stream.rstCode ?? 0) !== 0 }));
  return {
    end: (payload) => void (payload === undefined ? stream.end() : stream.end(payload)),
    destroy: (err) => void stream.destroy(err),
    onError: (l) => void stream.on('error', l),
    setTimeout: (ms, l) => void stream.setTimeout(ms, l),
  };
}
