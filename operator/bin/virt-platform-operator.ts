#!/usr/bin/env node
// The virt-platform-operator binary: `run` (the default), `render`, `explain` and `release`.
import { explainCommand, EXPLAIN_HELP } from '../cli/explain-command.js';
import { UsageError } from '../cli/usage-error.js';
import { releaseCommand, RELEASE_HELP } from '../cli/release-command.js';
import { renderCommand, RENDER_HELP } from '../cli/render-command.js';
import { runCommand, RUN_HELP } from '../cli/run-command.js';
import { CatalogError } from '../catalog/catalog.js';
import { VERSION } from '../version.js';

const HELP = `virt-platform-operator — opinionated platform configuration for KubeVirt, controlled by annotations.

Commands:
  run (default)   the operator
  version         print the version (also --version)
  render          render the assets offline for a HyperConverged file
  explain         what the operator would do on the live cluster, and why
  release         hand the cluster back: release every managed object (dry-run unless --confirm)

${RUN_HELP}
${RENDER_HELP}
${EXPLAIN_HELP}
${RELEASE_HELP}`;

async function main(argv: string[]): Promise<number | undefined> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'render') {
      const r = await renderCommand(rest);
      process.stdout.write(r.stdout);
      return r.code;
    }
    if (cmd === 'explain') {
      const r = await explainCommand(rest);
      process.stdout.write(r.stdout);
      return r.code;
    }
    if (cmd === 'release') {
      const r = await releaseCommand(rest);
      process.stdout.write(r.stdout);
      return r.code;
    }
    if (cmd === 'version' || cmd === '--version') {
      process.stdout.write(`virt-platform-operator ${VERSION}\n`);
      return 0;
    }
    if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
      process.stdout.write(HELP);
      return 0;
    }
    const r = await runCommand(cmd === 'run' ? rest : argv);
    if (r) process.stdout.write(r.stdout);
    return r?.code;
  } catch (e) {
    // What a user typed (flags, files, the catalog) gets one line and exit code 2, never a trace.
    if (e instanceof UsageError || e instanceof CatalogError) {
      process.stderr.write(`virt-platform-operator: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`virt-platform-operator: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  () => process.exit(1),
);
