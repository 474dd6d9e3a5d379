#!/usr/bin/env node
// `npm run bundle`: writes the OLM bundle (bundle/manifests, bundle/metadata, bundle.Dockerfile).
// `npm run bundle -- --check`: writes nothing; exits 1 with a diff when a committed file is stale
// (part of npm test). The ClusterServiceVersion's clusterPermissions are rbac-gen's rules, generated
// here from the assets by rbac-gen's own code, so the bundle and manifests/rbac/role.yaml never differ.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { crdDir } from '../localcluster/crds.js';
import { repoPath } from './repo.js';
import { VERSION } from '../operator/version.js';
import { unifiedDiff } from '../rbac-gen/diff.js';
import { generateRole } from '../rbac-gen/generate.js';
import { buildBundle, type BundleFile } from './bundle-csv.js';

export async function generateBundle(): Promise<BundleFile[]> {
  const role = await generateRole({ assetsDir: repoPath('assets'), crdDir: crdDir() });
  return buildBundle({
    version: VERSION,
    manifestsDir: repoPath('manifests'),
    clusterRoleYaml: role.yaml,
    iconSvg: readFileSync(repoPath('docs', 'images', 'icon.svg'), 'utf8'),
  });
}

/** Files under bundle/ that the generator would not write (stale leftovers). */
function strayFiles(files: BundleFile[]): string[] {
  const want = new Set(files.map((f) => f.path));
  const out: string[] = [];
  for (const sub of ['bundle/manifests', 'bundle/metadata']) {
    if (!existsSync(repoPath(sub))) continue;
    for (const n of readdirSync(repoPath(sub))) if (!want.has(`${sub}/${n}`)) out.push(`${sub}/${n}`);
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { check: { type: 'boolean', default: false } }, strict: true });
  const files = await generateBundle();
  if (values.check) {
    let diff = '';
    for (const f of files) {
      const committed = existsSync(repoPath(f.path)) ? readFileSync(repoPath(f.path), 'utf8') : '';
      if (committed !== f.text)
        diff += committed ? unifiedDiff(committed, f.text, `${f.path} (committed)`, `${f.path} (generated)`) : `${f.path} does not exist\n`;
    }
    for (const s of strayFiles(files)) diff += `${s} is not generated any more\n`;
    if (diff) {
      process.stdout.write(diff);
      process.stderr.write('bundle: the OLM bundle is stale: run `npm run bundle` and commit the result\n');
      return 1;
    }
    process.stdout.write(`bundle: ${files.length} files up to date (version ${VERSION})\n`);
    return 0;
  }
  for (const s of strayFiles(files)) rmSync(repoPath(s));
  for (const f of files) {
    mkdirSync(dirname(join(repoPath(), f.path)), { recursive: true });
    writeFileSync(repoPath(f.path), f.text);
  }
  process.stdout.write(`bundle: wrote ${files.map((f) => f.path).join(', ')}\n`);
  return 0;
}

// Run as a program (not when a test imports generateBundle).
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`bundle: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
