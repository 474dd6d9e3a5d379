// The container image's runtime stage, without a container engine: the file set the Dockerfile's
// last stage copies (read from the Dockerfile itself: the bundle npm run build makes and the
// catalog, no node_modules) is rebuilt in a temp folder, then the ENTRYPOINT runs from there:
// --help, the operator against the test cluster, and renders of the packaged assets that must
// equal, byte for byte, what the compiled sources render. Plus static checks: the bundle needs
// nothing but node built-ins, and nothing under dist/operator (what it is built from) imports test
// code or a dev dependency.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { builtinModules } from 'node:module';
import yaml from 'js-yaml';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoPath, repoRoot } from '../scripts/repo.js';
import { deploymentNodeOptions, entrypointNodeFlags } from '../scripts/image-flags.js';
import { NODES } from './support/install-cluster.js';
import { eventually } from './support/operator-fixture.js';
import { localOperatorArgs, OperatorProcess } from '../localcluster/operator-process.js';
import { testCluster } from '../envtest/harness.js';

/** GET /metrics over TLS with a bearer token; the certificate is the operator's own self-signed one. */
function scrapeTls(port: number, token: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/metrics', rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
  });
}

interface Stage {
  from: string;
  name?: string;
  copies: { from?: string; src: string[]; dest: string }[];
  workdir: string;
  user?: string;
  entrypoint?: string[];
  runs: string[];
}

/** The stages of a Dockerfile (the instructions this one uses; line continuations joined). */
function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const l of lines) {
    const [op, ...rest] = l.split(/\s+/);
    const args = rest.join(' ');
    const cur = stages[stages.length - 1];
    switch (op!.toUpperCase()) {
      case 'FROM': {
        const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
        stages.push({ from: m![1]!, name: m![2], copies: [], workdir: '/', runs: [] });
        break;
      }
      case 'WORKDIR':
        cur!.workdir = resolve(cur!.workdir, args);
        break;
      case 'COPY': {
        const words = args.split(/\s+/);
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const paths = words.filter((w) => !w.startsWith('--'));
        cur!.copies.push({ from, src: paths.slice(0, -1), dest: resolve(cur!.workdir, paths[paths.length - 1]!) });
        break;
      }
      case 'USER':
        cur!.user = args;
        break;
      case 'ENTRYPOINT':
        cur!.entrypoint = JSON.parse(args) as string[];
        break;
      case 'RUN':
        cur!.runs.push(args);
        break;
      default:
        break;
    }
  }
  return stages;
}

function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...jsFiles(p));
    else if (n.endsWith('.js') && !n.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const HCO = `apiVersion: hco.kubevirt.io/v1
kind: HyperConverged
metadata:
  name: kubevirt-hyperconverged
  namespace: openshift-cnv
  annotations:
    platform.kubevirt.io/autopilot: "true"
spec: {}
`;

describe('container image runtime stage (reproduced without a container engine)', () => {
  const stages = parseDockerfile(readFileSync(repoPath('Dockerfile'), 'utf8'));
  const runtime = stages[stages.length - 1]!;
  const build = stages.find((s) => s.name !== undefined && s !== runtime)!;
  let root: string;
  let app: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'vpo-image-'));
    app = join(root, runtime.workdir);
    mkdirSync(app, { recursive: true });
    for (const c of runtime.copies) {
      for (const src of c.src) {
        // From the build stage: its WORKDIR is the repository (dist/ is what `npm run build` made here).
        const local = c.from ? join(repoRoot, relative(build.workdir, resolve(build.workdir, src))) : join(repoRoot, src);
        assert.ok(existsSync(local), `COPY source ${src} exists (${local}); build first`);
        const dest = c.src.length > 1 || c.dest.endsWith('/') ? join(root, c.dest, src.split('/').pop()!) : join(root, c.dest);
        cpSync(local, dest, { recursive: true });
      }
    }
    writeFileSync(join(root, 'hco.yaml'), HCO);
    writeFileSync(join(root, 'nodes.yaml'), NODES.map((n) => yaml.dump(n)).join('---\n'));
  });
  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('is a multi-stage build: dev dependencies, tsc and the bundle in the build stage; only the bundle and the catalog in the runtime stage', () => {
    assert.ok(stages.length >= 2);
    assert.ok(build.runs.some((r) => /npm ci\b/.test(r) && !/--omit=dev/.test(r)));
    assert.ok(
      build.runs.some((r) => /tsc -p \..*node dist\/scripts\/image-bundle\.js/.test(r)),
      'the build stage bundles (as npm run build does)',
    );
    assert.deepEqual(runtime.runs, [], 'the runtime stage installs nothing');
    assert.deepEqual(runtime.copies.map((c) => c.src.join(' ')).sort(), ['/src/dist/image', 'assets'].sort());
  });

  it('runs as a numeric non-root user, so runAsNonRoot can be verified', () => {
    assert.match(runtime.user ?? '', /^[1-9]\d*(:[1-9]\d*)?$/);
  });

  it('ships the bundle (one entry file and the chunks it loads on demand) and no node_modules, and the ENTRYPOINT is that file', () => {
    assert.deepEqual(readdirSync(join(app, 'dist')), ['image']);
    assert.deepEqual(readdirSync(join(app, 'dist', 'image')).sort(), ['chunks', 'virt-platform-operator.mjs']);
    assert.deepEqual(
      readdirSync(join(app, 'dist', 'image', 'chunks')).filter((n) => !n.endsWith('.mjs')),
      [],
    );
    assert.ok(!existsSync(join(app, 'node_modules')));
    assert.equal(runtime.entrypoint?.[0], 'node');
    assert.equal(runtime.entrypoint.at(-1), join(app, 'dist', 'image', 'virt-platform-operator.mjs').slice(root.length));
  });

  it('runs with the heap flags the Deployment sets (NODE_OPTIONS), and GC flags Node accepts', () => {
    const env = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(readFileSync(repoPath('Dockerfile'), 'utf8'))?.[1];
    assert.equal(env, deploymentNodeOptions());
    assert.deepEqual(entrypointNodeFlags(), runtime.entrypoint!.slice(1, -1));
    const r = spawnSync(process.execPath, [...entrypointNodeFlags(), '-e', 'process.exit(0)'], { env: { NODE_OPTIONS: env }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('the bundle needs nothing but node built-ins and its own chunks', () => {
    const dir = join(app, 'dist', 'image');
    const files = [join(dir, 'virt-platform-operator.mjs'), ...readdirSync(join(dir, 'chunks')).map((n) => join(dir, 'chunks', n))];
    const builtins = new Set(builtinModules);
    const specs = new Set<string>();
    const outside: string[] = [];
    for (const file of files) {
      const src = readFileSync(file, 'utf8');
      // Import statements and calls only: not the word in a string (tsyringe's error message quotes one).
      for (const m of src.matchAll(
        /(?<![\w$'"`.])import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']|\b(?:require|__require|import)\(\s*["']([^"']+)["']\s*\)/g,
      )) {
        const spec = m[1] ?? m[2]!;
        specs.add(spec);
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (!target.startsWith(dir + '/') || !existsSync(target)) outside.push(`${relative(dir, file)}: ${spec}`);
        } else if (!spec.startsWith('node:') && !builtins.has(spec)) outside.push(`${relative(dir, file)}: ${spec}`);
      }
    }
    assert.deepEqual(outside, []);
    assert.ok(
      [...specs].some((s) => s.startsWith('./chunks/')),
      'the entry file loads its chunks',
    );
    // The scan does see the imports (a regex that matched nothing would pass vacuously).
    for (const s of ['node:module', 'fs', 'node:https']) assert.ok(specs.has(s), `saw ${s}: ${[...specs].join(' ')}`);
  });

  it('dist/operator (what the bundle is built from) imports only its own files, node built-ins and production dependencies', () => {
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const problems: string[] = [];
    const builtins = new Set(builtinModules);
    const seen = new Set<string>();
    const operatorDir = repoPath('dist', 'operator');
    for (const f of jsFiles(operatorDir)) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(
        /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm,
      )) {
        const spec = m[1] ?? m[2] ?? m[3]!;
        const where = relative(repoRoot, f);
        seen.add(spec.startsWith('.') ? '(relative)' : spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
        if (spec.startsWith('.')) {
          const target = resolve(dirname(f), spec);
          if (!target.startsWith(operatorDir + '/')) problems.push(`${where}: ${spec} leaves dist/operator`);
          else if (!existsSync(target)) problems.push(`${where}: ${spec} does not exist`);
        } else if (spec.startsWith('node:') || builtins.has(spec)) {
          continue;
        } else {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!(name in pkg.dependencies)) problems.push(`${where}: imports ${spec}, not a production dependency`);
        }
      }
    }
    assert.deepEqual(problems, []);
    // The scan does see the imports (a regex that matched nothing would pass vacuously).
    for (const s of ['(relative)', 'js-yaml', 'handlebars', '@kubernetes/client-node', 'winston', 'prom-client', 'protobufjs'])
      assert.ok(seen.has(s), `saw ${s}`);
  });

  it('the ENTRYPOINT runs from the file set: --help, and a render of the packaged assets', () => {
    const [node, ...rest] = runtime.entrypoint!;
    const bin = rest.pop();
    assert.equal(node, 'node');
    // cwd elsewhere, no VPO_ASSETS_DIR, no HOME: the assets are found next to dist/, as in the image.
    const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'production' };
    const run = (...args: string[]): ReturnType<typeof spawnSync> =>
      spawnSync(process.execPath, [...rest, join(root, bin!), ...args], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
    const help = run('--help');
    assert.equal(help.status, 0, String(help.stderr));
    assert.match(String(help.stdout), /virt-platform-operator render/);
    const status = run('render', '--hco-file', join(root, 'hco.yaml'), '--output', 'status');
    assert.equal(status.status, 0, String(status.stderr));
    assert.match(String(status.stdout), /^hco-golden-config\s+HyperConverged\/openshift-cnv\/kubevirt-hyperconverged\s+applied/m);
    const y = run('render', '--hco-file', join(root, 'hco.yaml'));
    assert.equal(y.status, 0, String(y.stderr));
    assert.match(String(y.stdout), /^kind: HyperConverged$/m);
  });

  it('the ENTRYPOINT runs the operator against a real API server: ready, metrics served over TLS to an authorized scraper, Nodes watched', async () => {
    const cluster = await testCluster();
    const [node, ...rest] = runtime.entrypoint!;
    const bin = rest.pop()!;
    assert.equal(node, 'node');
    const kubeconfig = join(root, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfigForToken(cluster.adminToken, 'admin').exportConfig());
    const { health, metrics, args } = await localOperatorArgs({ kubeconfig, namespace: 'vpo-image-none', metricsSecure: true });
    const op = new OperatorProcess(args, { NODE_OPTIONS: deploymentNodeOptions() }, rest, join(root, bin));
    try {
      // 'ok' once the caches are synced ('ok (standby)' is said before the operator starts).
      await eventually('ready', async () => (await (await fetch(`http://127.0.0.1:${health}/readyz`)).text()) === 'ok\n', 30_000);
      // Served as the Deployment serves it: HTTPS (a self-signed certificate, no cert dir given),
      // the scrape authenticated and authorized against the API server.
      const { status, text } = await scrapeTls(metrics, cluster.adminToken);
      assert.equal(status, 200, text);
      assert.match(text, /^virt_platform_api_requests_total\{verb="list"\} [1-9]/m);
      assert.match(text, /^virt_platform_watched_objects\{informer="nodes"\} \d+/m);
      assert.match(text, /^process_resident_memory_bytes [1-9]/m);
      assert.match(text, /^nodejs_heap_size_used_bytes [1-9]/m);
    } catch (e) {
      await op.stop();
      throw new Error(`${(e as Error).message}\noperator log:\n${op.raw.slice(-10).join('\n')}`, { cause: e });
    }
    assert.equal(await op.stop(), 0, op.raw.slice(-10).join('\n'));
  });

  it('the bundle (templates precompiled) renders exactly what the compiled sources render', () => {
    const bin = runtime.entrypoint!.at(-1);
    for (const output of ['yaml', 'json', 'status']) {
      const args = ['render', '--hco-file', join(root, 'hco.yaml'), '--nodes-file', join(root, 'nodes.yaml'), '--output', output];
      const image = spawnSync(process.execPath, [join(root, bin!), ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
      const sources = spawnSync(process.execPath, [repoPath('dist', 'operator', 'bin', 'virt-platform-operator.js'), ...args], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(image.status, 0, image.stderr);
      assert.equal(sources.status, 0, sources.stderr);
      assert.equal(image.stdout, sources.stdout, `--output ${output}`);
    }
  });
});
