import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from './client.js';
import { isTransient, KubeError } from './errors.js';
import { ForwardProxy } from '../../e2e/support/forward-proxy.js';
import { selfSigned } from '../http/serving-cert.js';

/** A client of a loopback HTTP server that answers every request with `answer`. */
async function withServer(
  answer: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  fn: (c: KubeClient, seen: string[]) => Promise<void>,
  proxyUrl?: string,
): Promise<void> {
  const seen: string[] = [];
  const srv = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    answer(req, res);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, skipTLSVerify: true, proxyUrl }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const c = new KubeClient(kc);
  try {
    await fn(c, seen);
  } finally {
    c.close();
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
}

describe('KubeClient write gate (leader election)', () => {
  it('sends no write once the gate refuses, while reads still go out', async () => {
    await withServer(
      (_req, res) => res.end('{}'),
      async (c, seen) => {
        const lost = new AbortController();
        c.setWriteGate({
          check: () => {
            if (lost.signal.aborted) throw Object.assign(new Error('leadership lost'), { name: 'LeadershipLostError' });
          },
          signal: lost.signal,
        });
        await c.apply('/api/v1/namespaces/a/configmaps/x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
        lost.abort();
        await assert.rejects(c.apply('/api/v1/namespaces/a/configmaps/x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }), /leadership lost/);
        await assert.rejects(c.create('/api/v1/namespaces/a/events', {}), /leadership lost/);
        await c.get('/api/v1/namespaces/a/configmaps/x');
        assert.deepEqual(
          seen.map((s) => s.split('?')[0]),
          ['PATCH /api/v1/namespaces/a/configmaps/x', 'GET /api/v1/namespaces/a/configmaps/x'],
        );
      },
    );
  });

  it("aborts a write in flight the moment the gate's signal fires", async () => {
    await withServer(
      () => undefined, // never answers
      async (c) => {
        const lost = new AbortController();
        c.setWriteGate({ check: () => undefined, signal: lost.signal });
        const t0 = Date.now();
        const p = c.apply('/api/v1/namespaces/a/configmaps/x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
        setTimeout(() => lost.abort(), 100);
        await assert.rejects(p, (e: Error) => e.name === 'AbortError');
        assert.ok(Date.now() - t0 < 2000);
      },
    );
  });
});

describe('KubeClient.ungated', () => {
  it('sends writes the gate refuses, and its requests reach the observers of the client it came from', async () => {
    await withServer(
      (_req, res) => res.end('{}'),
      async (c, seen) => {
        const lost = new AbortController();
        lost.abort();
        c.setWriteGate({
          check: () => {
            if (lost.signal.aborted) throw new Error('leadership lost');
          },
          signal: lost.signal,
        });
        const side = c.ungated('side');
        const counted: string[] = [];
        c.onRequest((verb) => counted.push(verb)); // added after ungated(): still shared
        await assert.rejects(c.create('/apis/authentication.k8s.io/v1/tokenreviews', {}), /leadership lost/);
        await side.create('/apis/authentication.k8s.io/v1/tokenreviews', {});
        side.close();
        assert.deepEqual(seen, ['POST /apis/authentication.k8s.io/v1/tokenreviews']);
        assert.deepEqual(counted, ['create']);
      },
    );
  });
});

describe('KubeClient: 429 Retry-After', () => {
  it("carries the server's Retry-After, and counts as transient", async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(429, { 'retry-after': '3', 'content-type': 'application/json' });
        res.end('{"kind":"Status","code":429,"message":"slow down"}');
      },
      async (c) => {
        const err = await c.get('/api/v1/namespaces').catch((e: unknown) => e);
        assert.ok(err instanceof KubeError);
        assert.equal(err.retryAfterMs, 3000);
        assert.equal(isTransient(err), true);
      },
    );
  });
});

describe('KubeClient: the kubeconfig proxy-url', () => {
  /** Answers like an API server, and notes the client port of each request's connection. */
  const apiServer =
    (clientPorts: number[]) =>
    (req: http.IncomingMessage, res: http.ServerResponse): void => {
      clientPorts.push(req.socket.remotePort ?? 0);
      res.setHeader('content-type', 'application/json');
      if (req.url?.includes('watch=true')) {
        res.end(JSON.stringify({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w' } } }) + '\n');
        return;
      }
      if (req.url?.startsWith('/api/v1/namespaces/a/configmaps?'))
        res.end('{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[]}');
      else res.end('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}');
    };

  it('takes every request through the proxy: get, list, apply, create, delete and watch', async () => {
    const proxy = new ForwardProxy();
    const proxyUrl = await proxy.start();
    const clientPorts: number[] = [];
    try {
      await withServer(
        apiServer(clientPorts),
        async (c, seen) => {
          await c.get('/api/v1/namespaces/a/configmaps/x');
          await c.listAll('/api/v1/namespaces/a/configmaps');
          await c.apply('/api/v1/namespaces/a/configmaps/x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
          await c.create('/api/v1/namespaces/a/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y' } });
          await c.delete('/api/v1/namespaces/a/configmaps/y');
          const events: string[] = [];
          await new Promise<void>((resolve, reject) => {
            c.watch(
              '/api/v1/namespaces/a/configmaps',
              {},
              (type, o) => events.push(`${type} ${o.metadata?.name}`),
              () => resolve(),
            ).catch(reject);
          });
          assert.deepEqual(events, ['ADDED w']);
          assert.deepEqual(
            seen.map((s) => s.split('?')[0]),
            [
              'GET /api/v1/namespaces/a/configmaps/x',
              'GET /api/v1/namespaces/a/configmaps',
              'PATCH /api/v1/namespaces/a/configmaps/x',
              'POST /api/v1/namespaces/a/configmaps',
              'DELETE /api/v1/namespaces/a/configmaps/y',
              'GET /api/v1/namespaces/a/configmaps',
            ],
          );
          assert.ok(proxy.seen.length > 0);
          const direct = clientPorts.filter((p) => !proxy.upstreamPorts.has(p));
          assert.deepEqual(direct, [], `every request reached the server on one of the proxy's connections (${proxy.seen.join(', ')})`);
        },
        proxyUrl,
      );
    } finally {
      await proxy.stop();
    }
  });

  it('goes straight to the server without one', async () => {
    const proxy = new ForwardProxy();
    await proxy.start();
    const clientPorts: number[] = [];
    try {
      await withServer(apiServer(clientPorts), async (c, seen) => {
        await c.get('/api/v1/namespaces/a/configmaps/x');
        assert.equal(seen.length, 1);
        assert.deepEqual(proxy.seen, []);
        assert.equal(proxy.upstreamPorts.size, 0);
      });
    } finally {
      await proxy.stop();
    }
  });
});

describe('KubeClient.watch', () => {
  it('ends quietly when aborted mid-stream: done hears nothing, and no error escapes', async () => {
    const escaped: unknown[] = [];
    const onUncaught = (e: unknown): void => void escaped.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      await withServer(
        (_req, res) => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '5' } } })}\n`);
        },
        async (c) => {
          const events: string[] = [];
          let ended: unknown = 'not yet';
          const seen = new Promise<void>((r) => {
            void c
              .watch(
                '/api/v1/nodes',
                {},
                (type, obj) => (events.push(`${type} ${obj.metadata?.name}`), r()),
                (err) => (ended = err),
              )
              .then((ac) => seen.then(() => ac.abort()));
          });
          await seen;
          await new Promise((r) => setTimeout(r, 200));
          assert.deepEqual(events, ['ADDED a']);
          assert.equal(ended, undefined);
        },
      );
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    assert.deepEqual(escaped, []);
  });

  it('ends quietly when aborted from the last event of a stream that has ended (a 410 ERROR, then the end)', async () => {
    const escaped: unknown[] = [];
    const onUncaught = (e: unknown): void => void escaped.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      await withServer(
        (_req, res) => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410 } })}\n`);
        },
        async (c) => {
          let ended: unknown = 'not yet';
          let ac: AbortController | undefined;
          // As the informer does on a 410: abort from inside the event handler, synchronously.
          const finished = new Promise<void>((r) => {
            void c
              .watch(
                '/api/v1/nodes',
                {},
                () => ac!.abort(),
                (err) => ((ended = err), r()),
              )
              .then((a) => (ac = a));
          });
          await finished;
          await new Promise((r) => setTimeout(r, 200));
          assert.equal(ended, undefined);
        },
      );
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    assert.deepEqual(escaped, []);
  });
});

describe('KubeClient.requestBytes: a streamed body', () => {
  const chunked =
    (parts: string[], status = 200, type = 'application/vnd.kubernetes.protobuf') =>
    (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(status, { 'Content-Type': type });
      const next = (): void => {
        const p = parts.shift();
        if (p === undefined) return void res.end();
        res.write(p);
        setTimeout(next, 5);
      };
      next();
    };

  it('hands a 2xx body over chunk by chunk as it arrives, and keeps none of it', async () => {
    await withServer(chunked(['ab', 'cd', 'ef']), async (c) => {
      const got: string[] = [];
      let type = '';
      const { body } = await c.requestBytes('GET', '/api/v1/nodes', {
        stream: (contentType) => ((type = contentType), (chunk) => got.push(chunk.toString())),
      });
      assert.equal(type, 'application/vnd.kubernetes.protobuf');
      assert.equal(got.join(''), 'abcdef');
      assert.ok(got.length > 1, 'more than one chunk');
      assert.equal(body.length, 0);
    });
  });

  it('collects the body when the sink declines it (another content type), and always for an error status', async () => {
    await withServer(chunked(['{"items":', '[]}'], 200, 'application/json'), async (c) => {
      const { body } = await c.requestBytes('GET', '/api/v1/nodes', { stream: () => undefined });
      assert.equal(body.toString(), '{"items":[]}');
    });
    await withServer(chunked(['{"kind":"Status","code":403,', '"message":"forbidden"}'], 403, 'application/json'), async (c) => {
      let asked = false;
      const err = await c.requestBytes('GET', '/api/v1/nodes', { stream: () => ((asked = true), () => undefined) }).catch((e: unknown) => e);
      assert.ok(err instanceof KubeError && err.status === 403 && /forbidden/.test(err.message), String(err));
      assert.equal(asked, false);
    });
  });

  it('fails the request with what the sink threw (a body it cannot read), once', async () => {
    await withServer(chunked(['ok', 'bad', 'more']), async (c) => {
      let calls = 0;
      const err = await c
        .requestBytes('GET', '/api/v1/nodes', {
          stream: () => (chunk) => {
            calls++;
            if (chunk.toString() === 'bad') throw new Error('not a list');
          },
        })
        .catch((e: unknown) => e);
      assert.match(String(err), /not a list/);
      assert.equal(calls, 2);
    });
  });
});

describe('KubeClient: the protocol, by ALPN', () => {
  it('keeps to HTTP/1.1 when the server does not speak HTTP/2 (a TLS proxy in between), after one attempt', async () => {
    const kp = await selfSigned(['localhost']);
    let connections = 0;
    const srv = https.createServer({ cert: kp.cert, key: kp.key }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Namespace', metadata: { name: req.url?.split('/').pop() } }));
    });
    srv.on('secureConnection', () => connections++);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `https://127.0.0.1:${(srv.address() as AddressInfo).port}`, caData: Buffer.from(kp.cert).toString('base64') }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const c = new KubeClient(kc);
    try {
      const names = await Promise.all(['a', 'b', 'c'].map((n) => c.get(`/api/v1/namespaces/${n}`).then((o) => o.metadata?.name)));
      assert.deepEqual(names, ['a', 'b', 'c']);
      await c.get('/api/v1/namespaces/d');
      assert.deepEqual(c.transport(), { protocol: 'http/1.1', http2Connections: 1 });
      // The one attempt at HTTP/2, then the agent's connections (keep-alive: reused).
      assert.ok(connections >= 2 && connections <= 4, `TLS connections: ${connections}`);
    } finally {
      c.close();
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });
});

describe('isTransient: HTTP/2', () => {
  it('a reset stream, a lost or closing session, a body cut off are transient; a bad header is not', () => {
    const coded = (code: string): Error => Object.assign(new Error(code), { code });
    for (const code of [
      'ERR_HTTP2_STREAM_ERROR',
      'ERR_HTTP2_SESSION_ERROR',
      'ERR_HTTP2_GOAWAY_SESSION',
      'ERR_HTTP2_INVALID_SESSION',
      'ERR_HTTP2_STREAM_CANCEL',
    ])
      assert.equal(isTransient(coded(code)), true, code);
    assert.equal(isTransient(new Error('GET /api/v1/nodes: connection lost before the response ended')), true);
    assert.equal(isTransient(coded('ERR_HTTP2_INVALID_HEADER_VALUE')), false);
  });
});
