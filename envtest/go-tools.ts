// Go test tools (promtool, the OLM bundle validator): each a module under envtest/go, built once
// with the local cluster's Go build (localcluster/binaries.ts) into a cache folder of its own.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildInto, cacheRoot, pinnedVersion, type Progress } from '../localcluster/binaries.js';
import { sourceDir } from '../localcluster/source-dir.js';

const goModulesDir = sourceDir(import.meta.url, 'go');

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
    ldflags: (v) => [
      '-s',
      '-w',
      `-X github.com/prometheus/common/version.Version=${v.replace(/^v0\.3(\d\d)\./, (_m, minor: string) => `3.${Number(minor)}.`)}`,
    ],
  },
  // Our own small main over github.com/operator-framework/api's validation library.
  olmValidate: {
    name: 'olm-validate',
    label: 'the OLM bundle validator',
    versionOf: 'github.com/operator-framework/api',
    package: '.',
  },
} as const satisfies Record<string, GoTool>;

/** A Go module's folder under envtest/go. */
export const goModuleDir = (name: string): string => join(goModulesDir, name);

/** A short hash of a module's go.mod, go.sum and sources: any change rebuilds its tool. */
export function moduleHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((f) => /^go\.(mod|sum)$|\.go$/.test(f))
    .sort())
    h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 12);
}

/** The cache folder of a tool: its pinned version plus a hash of its module. */
export function toolCacheDir(tool: GoTool): string {
  const dir = goModuleDir(tool.name);
  return join(cacheRoot(), `${tool.name}-${pinnedVersion(join(dir, 'go.mod'), tool.versionOf)}_${moduleHash(dir)}`);
}

/** The path of a Go test tool, built once (several minutes cold) and cached like the control plane. */
export async function ensureGoTool(tool: GoTool, progress: Progress = (l) => process.stderr.write(l + '\n')): Promise<string> {
  const dir = toolCacheDir(tool);
  const bin = join(dir, tool.name);
  if (existsSync(bin)) return bin;
  const version = pinnedVersion(join(goModulesDir, tool.name, 'go.mod'), tool.versionOf);
  progress(`Building ${tool.label} (${tool.versionOf} ${version}) from Go modules, once per machine; cached in ${dir}.`);
  const target = {
    moduleDir: goModuleDir(tool.name),
    label: tool.label,
    packages: [tool.package],
    ldflags: tool.ldflags?.(version) ?? ['-s', '-w'],
    tags: tool.tags,
    output: tool.name,
  };
  await buildInto(dir, [target], () => existsSync(bin), progress);
  return bin;
}
