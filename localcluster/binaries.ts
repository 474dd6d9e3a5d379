// Finds or builds the control-plane binaries (kube-apiserver, etcd, kubectl).
// KUBEBUILDER_ASSETS wins (the envtest convention); otherwise the binaries are built once from
// the pinned Go modules in localcluster/go/ into a cache outside the repo, keyed by the pinned versions,
// so every clone on the machine shares them.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sourceDir } from './source-dir.js';

export interface Binaries {
  kubeApiserver: string;
  etcd: string;
  kubectl: string;
}

/** The control plane's Go modules (kube, etcd). Their module paths keep the names they were
 *  created with: go.mod is part of the cache key, and a rename would rebuild kube-apiserver. */
const controlPlaneModules = sourceDir(import.meta.url, 'go');

export interface GoTarget {
  /** The Go module's folder. */
  moduleDir: string;
  tags?: string[];
  label: string;
  packages: string[];
  ldflags: string[];
  /** Output file name, for a single-package target (else the packages' own names). */
  output?: string;
}

export function pinnedVersion(modFile: string, modulePath: string): string {
  const m = new RegExp(`^\\s*(?:require\\s+)?${modulePath.replace(/[./]/g, '\\$&')}\\s+(v\\S+)`, 'm').exec(readFileSync(modFile, 'utf8'));
  if (!m?.[1]) throw new Error(`${modFile}: no pinned version of ${modulePath}`);
  return m[1];
}

export function pinnedVersions(): { kubernetes: string; etcd: string } {
  return {
    kubernetes: pinnedVersion(join(controlPlaneModules, 'kube', 'go.mod'), 'k8s.io/kubernetes'),
    etcd: pinnedVersion(join(controlPlaneModules, 'etcd', 'go.mod'), 'go.etcd.io/etcd/server/v3'),
  };
}

function targets(k8s: string): GoTarget[] {
  const [major, minor] = k8s.replace(/^v/, '').split('.');
  const v = 'k8s.io/component-base/version';
  return [
    {
      moduleDir: join(controlPlaneModules, 'kube'),
      label: 'kube-apiserver and kubectl',
      packages: ['k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kubectl'],
      // The apiserver derives its emulation/compatibility version from these; without them it
      // reports v0.0.0 and kubectl warns about version skew.
      ldflags: ['-s', '-w', `-X ${v}.gitVersion=${k8s}`, `-X ${v}.gitMajor=${major}`, `-X ${v}.gitMinor=${minor}`],
    },
    { moduleDir: join(controlPlaneModules, 'etcd'), label: 'etcd', packages: ['.'], ldflags: ['-s', '-w'], output: 'etcd' },
  ];
}

export function cacheRoot(): string {
  const base = process.env.VPO_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'virt-platform-operator');
  return join(base, 'bin');
}

/** The cache folder for the pinned versions; the go.sum hash keys any change of dependencies. */
export function cacheDir(): string {
  const { kubernetes, etcd } = pinnedVersions();
  const h = createHash('sha256');
  for (const m of ['kube', 'etcd']) {
    h.update(readFileSync(join(controlPlaneModules, m, 'go.mod')));
    h.update(readFileSync(join(controlPlaneModules, m, 'go.sum')));
  }
  return join(cacheRoot(), `k8s-${kubernetes}_etcd-${etcd}_${h.digest('hex').slice(0, 12)}`);
}

function inDir(dir: string): Binaries {
  return { kubeApiserver: join(dir, 'kube-apiserver'), etcd: join(dir, 'etcd'), kubectl: join(dir, 'kubectl') };
}

function complete(b: Binaries): boolean {
  return [b.kubeApiserver, b.etcd, b.kubectl].every((p) => existsSync(p));
}

export type Progress = (line: string) => void;

/** Builds a target's packages into outDir (a single-package target may name its output file). */
export async function goBuild(t: GoTarget, outDir: string, progress: Progress): Promise<void> {
  const cwd = t.moduleDir;
  const tags = t.tags?.length ? [`-tags=${t.tags.join(',')}`] : [];
  const out = t.output ? join(outDir, t.output) : outDir;
  const args = ['build', '-v', '-trimpath', ...tags, `-ldflags=${t.ldflags.join(' ')}`, '-o', out, ...t.packages];
  const started = Date.now();
  let compiled = 0;
  let stderrTail: string[] = [];
  const child = spawn('go', args, { cwd, env: { ...process.env, CGO_ENABLED: '0' } });
  const timer = setInterval(() => {
    progress(`  … still building ${t.label}: ${compiled} packages compiled, ${Math.round((Date.now() - started) / 1000)} s`);
  }, 20_000);
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (!line) continue;
      if (/^[\w.-]+(\/[\w.@+~-]+)*$/.test(line)) compiled++;
      else stderrTail = [...stderrTail.slice(-30), line];
    }
  });
  const code = await new Promise<number>((res, rej) => {
    child.on('error', (err) => rej(new Error(`cannot run "go" (${err.message}); install Go ≥ 1.26 or set KUBEBUILDER_ASSETS`)));
    child.on('close', (c) => res(c ?? 1));
  });
  clearInterval(timer);
  if (code !== 0) {
    throw new Error(`go build of ${t.packages.join(', ')} in ${cwd} failed (exit ${code}):\n${stderrTail.join('\n')}`);
  }
  progress(`  built ${t.label} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Returns the binaries, building them on first use. The build goes to a private folder that is
 * renamed into place only when complete, so an interrupted build never leaves a half cache.
 */
export async function ensureBinaries(progress: Progress = (l) => process.stderr.write(l + '\n')): Promise<Binaries> {
  const assets = process.env.KUBEBUILDER_ASSETS;
  if (assets) {
    const b = inDir(assets);
    if (!complete(b)) throw new Error(`KUBEBUILDER_ASSETS=${assets} lacks one of kube-apiserver, etcd, kubectl`);
    return b;
  }
  const dir = cacheDir();
  if (complete(inDir(dir))) return inDir(dir);
  const { kubernetes, etcd } = pinnedVersions();
  progress(
    `Building the local control plane (kube-apiserver + kubectl ${kubernetes}, etcd ${etcd}) from Go modules.\n` +
      `This happens once per machine and takes several minutes; the result is cached in ${dir}.`,
  );
  await buildInto(dir, targets(kubernetes), () => complete(inDir(dir)), progress);
  return inDir(dir);
}

/**
 * Builds targets into the cache folder dir: into a private folder first, renamed into place when
 * complete (unless another process completed it meanwhile), so an interrupted build leaves nothing.
 */
export async function buildInto(dir: string, targets: readonly GoTarget[], complete: () => boolean, progress: Progress): Promise<void> {
  const tmp = `${dir}.partial-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  try {
    for (const t of targets) await goBuild(t, tmp, progress);
    if (!complete()) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
