#!/usr/bin/env node
// `npm run rbac-gen`: writes manifests/rbac/role.yaml from the asset library.
// `npm run rbac-gen -- --check`: exits 1 and prints the difference when the committed file is stale.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { crdDir } from '../localcluster/crds.js';
import { repoPath, repoRoot } from '../scripts/repo.js';
import { checkRole, generateRole, writeRole } from './generate.js';

const USAGE = `Usage: rbac-gen [--check] [--assets-dir DIR] [--crds-dir DIR] [--output FILE]

Generates the operator's ClusterRole from the asset library.
  --check           do not write; exit 1 and print a diff when FILE is stale
  --assets-dir DIR  the asset catalog (default: assets/)
  --crds-dir DIR    CRDs that give custom kinds their plurals (default: $CRD_DIR, else localcluster/fixture-crds)
  --output FILE     (default: manifests/rbac/role.yaml)
`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        check: { type: 'boolean', default: false },
        'assets-dir': { type: 'string' },
        'crds-dir': { type: 'string' },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`rbac-gen: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const output = values.output ?? repoPath('manifests', 'rbac', 'role.yaml');
  const shown = relative(process.cwd(), output) || output;
  const g = await generateRole({ assetsDir: values['assets-dir'] ?? repoPath('assets'), crdDir: values['crds-dir'] ?? crdDir() });
  const notes = (): void => {
    for (const n of g.notes) process.stderr.write(`rbac-gen: note: ${n}\n`);
  };
  if (values.check) {
    const r = checkRole(output, g.yaml, relative(repoRoot, output) || shown);
    if (r.ok) {
      process.stdout.write(`rbac-gen: ${shown} is up to date (${g.rules.length} rules)\n`);
      return 0;
    }
    process.stdout.write(r.diff);
    notes();
    process.stderr.write(`rbac-gen: ${shown} is stale: run \`npm run rbac-gen\` and commit the result\n`);
    return 1;
  }
  notes();
  const changed = writeRole(output, g.yaml);
  process.stdout.write(`rbac-gen: ${changed ? 'wrote' : 'unchanged:'} ${shown} (${g.rules.length} rules)\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`rbac-gen: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
