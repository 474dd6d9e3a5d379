// /metrics as the shipped Deployment serves it: HTTPS with a certificate from --metrics-cert-dir
// (as the service CA's Secret is mounted on OpenShift), every scrape authenticated by a
// TokenReview and authorized by a SubjectAccessReview against the real API server (envtest:
// ServiceAccount tokens from TokenRequest, RBAC authorization). A ServiceAccount bound to the
// metrics-reader ClusterRole (manifests/rbac/metrics-reader.yaml) gets 200; one without it 403;
// no token or a bad one 401. The scrape itself passes the metric-name lint.
import assert from 'node:assert/strict';
import https from 'node:https';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { generate } from 'selfsigned';
import { ensureGoTool, GO_TOOLS } from '../envtest/go-tools.js';
import { testCluster, testNamespace, uniqueName, type TestCluster } from '../envtest/harness.js';
import { repoPath } from '../scripts/repo.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { kubevirtProblems, parseFamilies, promtoolProblems } from '../scripts/metrics-lint.js';
import { freePorts, OperatorProcess } from '../localcluster/operator-process.js';

interface Scrape {
  status: number;
  body: string;
}

function scrape(port: number, ca: string, token?: string): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: '/metrics', ca, servername: 'localhost', headers: token ? { Authorization: `Bearer ${token}` } : {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
  });
}

const counter = (text: string, re: RegExp): number => text.split('\n').reduce((n, l) => n + Number(re.exec(l)?.[1] ?? 0), 0);

describe('secure metrics: TLS, TokenReview, SubjectAccessReview', () => {
  let cluster: TestCluster;
  let ns: string;
  let work: string;
  let ca: string;
  let port: number;
  let proc: OperatorProcess;
  const tokens: Record<'reader' | 'nobody', string> = { reader: '', nobody: '' };
  const binding = uniqueName('vpo-metrics-reader');

  before(async () => {
    cluster = await testCluster();
    ns = await testNamespace(cluster, 'metrics');
    work = mkdtempSync(join(tmpdir(), 'vpo-metrics-tls-'));
    // A CA and a serving certificate it signed, as the service CA would issue them.
    const caPems = await generate([{ name: 'commonName', value: 'test-service-ca' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true },
      ],
    });
    const serving = await generate([{ name: 'commonName', value: 'virt-platform-operator-metrics' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      ca: { key: caPems.private, cert: caPems.cert },
      extensions: [
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
        { name: 'extKeyUsage', serverAuth: true },
      ],
    });
    ca = caPems.cert;
    const certDir = join(work, 'metrics-tls');
    mkdirSync(certDir);
    writeFileSync(join(certDir, 'tls.crt'), serving.cert);
    writeFileSync(join(certDir, 'tls.key'), serving.private);

    const role = yaml.load(readFileSync(repoPath('manifests', 'rbac', 'metrics-reader.yaml'), 'utf8')) as KubeObject;
    await cluster.admin.apply(`/apis/rbac.authorization.k8s.io/v1/clusterroles/${role.metadata!.name}`, role, { fieldManager: 'e2e' });
    for (const sa of ['reader', 'nobody'] as const) {
      await cluster.admin.create(`/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa } });
      const tr = await cluster.admin.create<KubeObject & { status: { token: string } }>(`/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 3600 },
      });
      tokens[sa] = tr.status.token;
    }
    await cluster.admin.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: binding },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata!.name },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }],
    });
    const [metrics, health] = (await freePorts(2)) as [number, number];
    port = metrics;
    // An HCO namespace with no HyperConverged: the operator idles, so every API request it sends
    // while we scrape is a review of a scraper.
    proc = new OperatorProcess([
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--namespace',
      ns,
      '--metrics-bind-address',
      `127.0.0.1:${metrics}`,
      '--metrics-cert-dir',
      certDir,
      '--health-probe-bind-address',
      `127.0.0.1:${health}`,
      '--debug-bind-address',
      '0',
    ]);
    await proc.waitForLog(/caches synced/, 30_000);
  });
  after(async () => {
    await proc?.stop();
    await cluster?.admin.delete(`/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${binding}`).catch(() => undefined);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('serves the mounted certificate (verified against its CA), not a self-signed one', () => {
    const line = proc.lines.find((l) => l.message === 'serving TLS');
    assert.equal(line?.certificate, join(work, 'metrics-tls'));
    assert.equal(line?.authorization, 'TokenReview+SubjectAccessReview');
  });

  it('a ServiceAccount with metrics-reader gets 200 and a scrape that passes the metric-name lint', async () => {
    const r = await scrape(port, ca, tokens.reader);
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /^virt_platform_build_info\{version="0\.1\.0",nodejs_version="v24\.\d+\.\d+"\} 1$/m);
    assert.deepEqual(promtoolProblems(await ensureGoTool(GO_TOOLS.promtool), r.body), []);
    assert.deepEqual(kubevirtProblems(parseFamilies(r.body)), []);
  });

  it('a ServiceAccount without it gets 403; no token or a forged one 401', async () => {
    const denied = await scrape(port, ca, tokens.nobody);
    assert.equal(denied.status, 403);
    assert.match(denied.body, new RegExp(`system:serviceaccount:${ns}:nobody`));
    assert.doesNotMatch(denied.body, /virt_platform_/);
    assert.equal((await scrape(port, ca)).status, 401);
    assert.equal((await scrape(port, ca, `${tokens.reader.slice(0, -4)}AAAA`)).status, 401);
    // A huge header never reaches a review: node's header limit answers 431.
    assert.equal((await scrape(port, ca, 'x'.repeat(20_000))).status, 431);
  });

  it('a standby replica (leader election, Lease held by another) still reviews scrapers: 200 for metrics-reader', async () => {
    // Its writes are gated on leadership; the reviews of scrapers are not writes and must not be.
    await cluster.admin.create(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'virt-platform-operator-leader' },
      spec: { holderIdentity: 'another-replica', leaseDurationSeconds: 3600, renewTime: new Date().toISOString().replace(/Z$/, '000Z') },
    });
    const [metrics, health] = (await freePorts(2)) as [number, number];
    const standby = new OperatorProcess([
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--namespace',
      ns,
      '--leader-elect',
      '--leader-election-namespace',
      ns,
      '--metrics-bind-address',
      `127.0.0.1:${metrics}`,
      '--metrics-cert-dir',
      join(work, 'metrics-tls'),
      '--health-probe-bind-address',
      `127.0.0.1:${health}`,
      '--debug-bind-address',
      '0',
    ]);
    try {
      await standby.waitForLog(/campaigning/, 30_000);
      const r = await scrape(metrics, ca, tokens.reader);
      assert.equal(r.status, 200, r.body);
      assert.match(r.body, new RegExp(`^virt_platform_leader_election_status\\{lease="${ns}/virt-platform-operator-leader"\\} 0$`, 'm'));
      assert.equal((await scrape(metrics, ca, tokens.nobody)).status, 403);
    } finally {
      await standby.stop();
    }
  });

  it('reviews are cached: repeated scrapes with the same token send no request', async () => {
    const before = counter((await scrape(port, ca, tokens.reader)).body, /^virt_platform_api_requests_total\{verb="create"\} (\d+)/);
    for (let i = 0; i < 5; i++) assert.equal((await scrape(port, ca, tokens.reader)).status, 200);
    assert.equal((await scrape(port, ca, tokens.nobody)).status, 403);
    const after = counter((await scrape(port, ca, tokens.reader)).body, /^virt_platform_api_requests_total\{verb="create"\} (\d+)/);
    assert.ok(before >= 2, `the first scrapes were reviewed (${before} creates)`);
    assert.equal(after, before, 'no TokenReview or SubjectAccessReview for tokens reviewed a moment ago');
  });
});
