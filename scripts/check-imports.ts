#!/usr/bin/env node
// `node dist/scripts/check-imports.js`: fails (exit 1), naming each file and import, when an import
// breaks the layer rule (scripts/import-layers.ts, docs/architecture.md). --root DIR checks another tree.
import { parseArgs } from 'node:util';
import { checkTree, LAYERS } from './import-layers.js';
import { repoRoot } from './repo.js';

const { values } = parseArgs({ options: { root: { type: 'string' } }, strict: true });
const problems = checkTree(values.root ?? repoRoot);
if (problems.length) {
  process.stderr.write(`check-imports: ${problems.length} import(s) against the layer rule (see docs/architecture.md):\n  ${problems.join('\n  ')}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`check-imports: every import follows the layers (${LAYERS.map((l) => l.name).join(' → ')}); tools import no tests\n`);
}
