// Finds or builds the control-plane binaries (kube-apiserver, etcd, kubectl) and the Go test tools
// (promtool, the OLM bundle validator). KUBEBUILDER_ASSETS wins for the control plane (the envtest
// convention); otherwise everything is built once from the pinned Go modules in envtest/go/ into a
// cache outside the repo, keyed by the pinned versions, so every clone on the machine shares them.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Binaries {
  kubeApiserver: string;
  etcd: string;
  kubectl: string;
}

const here = dirname(fileURLToPath(import.meta.url));
/** envtest/go in the source tree (this file also runs from dist/envtest). */
export const goModulesDir = [resolve(here, 'go'), resolve(here, '../../envtest/go')].find((d) =>
  existsSync(join(d, 'kube', 'go.mod')),
) ?? resolve(here, 'go');

export interface GoTarget {
  module: string; // folder under envtest/go
  label: string;
  packages: string[];
  ldflags: string[];
  tags?: string[];
  /** Output file name, for a single-package target (else the packages' own names). */
  output?: string;
}

function pinnedVersion(modFile: string, modulePath: string): string {
  const m = new RegExp(`^\\s*(?:require\\s+)?${modulePath.replace(/[./]/g, '\\$&')}\\s+(v\\S+)`, 'm').exec(
    readFileSync(modFile, 'utf8'),
  );
  if (!m?.[1]) throw new Error(`${modFile}: no pinned version of ${modulePath}`);
  return m[1];
}

export function pinnedVersions(): { kubernetes: string; etcd: string } {
  return {
    kubernetes: pinnedVersion(join(goModulesDir, 'kube', 'go.mod'), 'k8s.io/kubernetes'),
    etcd: pinnedVersion(join(goModulesDir, 'etcd', 'go.mod'), 'go.etcd.io/etcd/server/v3'),
  };
}

function targets(k8s: string): GoTarget[] {
  const [major, minor] = k8s.replace(/^v/, '').split('.');
  const v = 'k8s.io/component-base/version';
  return [
    {
      module: 'kube',
      label: 'kube-apiserver and kubectl',
      packages: ['k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kubectl'],
      // The apiserver derives its emulation/compatibility version from these; without them it
      // reports v0.0.0 and kubectl warns about version skew.
      ldflags: ['-s', '-w', `-X ${v}.gitVersion=${k8s}`, `-X ${v}.gitMajor=${major}`, `-X ${v}.gitMinor=${minor}`],
    },
    { module: 'etcd', label: 'etcd', packages: ['.'], ldflags: ['-s', '-w'], output: 'etcd' },
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
    h.update(readFileSync(join(goModulesDir, m, 'go.mod')));
    h.update(readFileSync(join(goModulesDir, m, 'go.sum')));
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
  const cwd = join(goModulesDir, t.module);
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
  const tmp = `${dir}.partial-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  try {
    for (const t of targets(kubernetes)) await goBuild(t, tmp, progress);
    if (!complete(inDir(dir))) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return inDir(dir);
}

/** Go test tools: each a module under envtest/go built into its own cache folder. */
export interface GoTool {
  /** The binary's file name; also the module folder under envtest/go. */
  name: string;
  label: string;
  /** The pinned module whose version names the cache folder. */
  versionOf: string;
  package: string;
  tags?: string[];
  ldflags?: (version: string) => string[];
}

export const GO_TOOLS = {
  // promtool from the Prometheus module; remove_all_sd leaves out the service-discovery plugins
  // (cloud SDKs) that rule checks and rule unit tests never use, which halves the build.
  promtool: {
    name: 'promtool',
    label: 'promtool',
    versionOf: 'github.com/prometheus/prometheus',
    package: 'github.com/prometheus/prometheus/cmd/promtool',
    tags: ['remove_all_sd'],
    // Prometheus 3.x is tagged v0.3XY.Z in Go (v0.316.0 = 3.16.0).
    ldflags: (v) => ['-s', '-w', `-X github.com/prometheus/common/version.Version=${v.replace(/^v0\.3(\d\d)\./, (_m, minor: string) => `3.${Number(minor)}.`)}`],
  },
  // Our own small main over github.com/operator-framework/api's validation library.
  olmValidate: {
    name: 'olm-validate',
    label: 'the OLM bundle validator',
    versionOf: 'github.com/operator-framework/api',
    package: '.',
  },
} as const satisfies Record<string, GoTool>;

/** The cache folder of a tool: its pinned version plus a hash of its module (go.mod, go.sum, sources). */
export function toolCacheDir(tool: GoTool): string {
  const dir = join(goModulesDir, tool.name);
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => /^go\.(mod|sum)$|\.go$/.test(f)).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return join(cacheRoot(), `${tool.name}-${pinnedVersion(join(dir, 'go.mod'), tool.versionOf)}_${h.digest('hex').slice(0, 12)}`);
}

/** The path of a Go test tool, built once (several minutes cold) and cached like the control plane. */
export async function ensureGoTool(tool: GoTool, progress: Progress = (l) => process.stderr.write(l + '\n')): Promise<string> {
  const dir = toolCacheDir(tool);
  const bin = join(dir, tool.name);
  if (existsSync(bin)) return bin;
  const version = pinnedVersion(join(goModulesDir, tool.name, 'go.mod'), tool.versionOf);
  progress(`Building ${tool.label} (${tool.versionOf} ${version}) from Go modules, once per machine; cached in ${dir}.`);
  const tmp = `${dir}.partial-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await goBuild(
      { module: tool.name, label: tool.label, packages: [tool.package], ldflags: tool.ldflags?.(version) ?? ['-s', '-w'], tags: tool.tags, output: tool.name },
      tmp,
      progress,
    );
    if (!existsSync(bin)) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}
