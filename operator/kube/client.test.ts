import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from './client.js';
import { isTransient, KubeError } from './errors.js';

/** A client of a loopback HTTP server that answers every request with `answer`. */
async function withServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void, fn: (c: KubeClient, seen: string[]) => Promise<void>): Promise<void> {
  const seen: string[] = [];
  const srv = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    answer(req, res);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, skipTLSVerify: true }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
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
        c.setWriteGate({ check: () => { if (lost.signal.aborted) throw Object.assign(new Error('leadership lost'), { name: 'LeadershipLostError' }); }, signal: lost.signal });
        await c.apply('/api/v1/namespaces/a/configmaps/x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
        lost.abort();
        await assert.rejects(c.apply('/api/v1/namespaces/a/configmaps/x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }), /leadership lost/);
        await assert.rejects(c.create('/api/v1/namespaces/a/events', {}), /leadership lost/);
        await c.get('/api/v1/namespaces/a/configmaps/x');
        assert.deepEqual(seen.map((s) => s.split('?')[0]), ['PATCH /api/v1/namespaces/a/configmaps/x', 'GET /api/v1/namespaces/a/configmaps/x']);
      },
    );
  });

  it('aborts a write in flight the moment the gate\'s signal fires', async () => {
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
        c.setWriteGate({ check: () => { if (lost.signal.aborted) throw new Error('leadership lost'); }, signal: lost.signal });
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
  it('carries the server\'s Retry-After, and counts as transient', async () => {
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
