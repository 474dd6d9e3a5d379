// Finds or builds the consumer validator (envtest/go/consumers): Ignition, the kubelet's config
// validation and the Machine Config Operator's rules in one small Go program, built once from Go
// modules into the same cache as the control plane, keyed by a hash of its go.mod, go.sum and
// source so any change rebuilds it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, goBuild, goModulesDir, type Progress } from './binaries.js';

const MODULE = 'consumers';
const BINARY = 'consumers-validator';

export function consumersValidatorPath(): string {
  const dir = join(goModulesDir, MODULE);
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((n) => n === 'go.mod' || n === 'go.sum' || n.endsWith('.go')).sort()) {
    h.update(f).update(readFileSync(join(dir, f)));
  }
  return join(cacheRoot(), `${MODULE}_${h.digest('hex').slice(0, 12)}`, BINARY);
}

/** The validator binary, built on first use (to a private folder renamed into place when complete). */
export async function ensureConsumersValidator(progress: Progress = (l) => process.stderr.write(l + '\n')): Promise<string> {
  const bin = consumersValidatorPath();
  if (existsSync(bin)) return bin;
  const dir = join(bin, '..');
  progress(`Building the consumer validator (Ignition, kubelet, MCO rules) from Go modules once; cached in ${dir}.`);
  const tmp = `${dir}.partial-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await goBuild({ module: MODULE, label: 'the consumer validator', packages: ['.'], ldflags: ['-s', '-w'], output: BINARY }, tmp, progress);
    if (!existsSync(bin)) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}
