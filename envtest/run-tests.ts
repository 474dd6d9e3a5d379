// The test runner behind `npm test`: one local control plane for the whole run, shared by every
// suite, then node's built-in test runner over the compiled tests. Files named *.serial.test.js
// (they install/remove cluster-wide CRDs or run the operator as a process) run after the rest,
// one at a time. The control plane is stopped however the run ends.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ensureGoTool, GO_TOOLS } from './binaries.js';
import { startControlPlane } from './controlplane.js';
import { crdDir, installCrds, loadCrds } from './crds.js';
import type { EnvtestDescription } from './harness.js';

const root = resolve(process.argv[2] ?? 'dist');
const filter = process.argv.slice(3);

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

function runNodeTest(files: string[], concurrency: number, env: NodeJS.ProcessEnv): Promise<number> {
  if (files.length === 0) return Promise.resolve(0);
  const args = ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', '--test-timeout=300000', ...files];
  const child = spawn(process.execPath, args, { stdio: 'inherit', env });
  const forward = (sig: NodeJS.Signals): void => {
    child.kill(sig);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((res) =>
    child.on('close', (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      res(code ?? 1);
    }),
  );
}

async function main(): Promise<number> {
  const all = testFiles(root).filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)));
  const serial = all.filter((f) => f.endsWith('.serial.test.js'));
  const parallel = all.filter((f) => !serial.includes(f));
  const started = Date.now();
  // Which Node runs the suites: npm scripts put node_modules/.bin first on PATH, where the `node`
  // dev dependency (Node 24) is, whatever the system Node is.
  process.stderr.write(`test runtime: Node.js ${process.version} (${process.execPath})\n`);
  const cp = await startControlPlane();
  // The Go test tools (promtool, the OLM validator): built once and cached, before any suite
  // needs them, so a cold build never counts against a test's timeout.
  for (const tool of Object.values(GO_TOOLS)) await ensureGoTool(tool);
  try {
    const crds = loadCrds(crdDir());
    await installCrds(cp.admin, crds);
    process.stderr.write(
      `control plane ready at ${cp.server} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${crds.length} CRDs from ${crdDir()}\n` +
        `running ${parallel.length} test files, then ${serial.length} serial ones\n`,
    );
    const description: EnvtestDescription = {
      server: cp.server,
      kubeconfigPath: cp.kubeconfigPath,
      adminToken: cp.adminToken,
      binaries: cp.binaries,
      caFile: join(cp.dir, 'certs', 'apiserver.crt'),
    };
    const descFile = join(cp.dir, 'envtest.json');
    writeFileSync(descFile, JSON.stringify(description));
    const env = { ...process.env, VPO_ENVTEST: descFile };
    const a = await runNodeTest(parallel, 2, env);
    const b = await runNodeTest(serial, 1, env);
    process.stderr.write(`test files: ${all.map((f) => relative(root, f)).length}; total ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    return a || b;
  } finally {
    await cp.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`test run failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
