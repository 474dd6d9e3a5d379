// Finds or builds the consumer validator (envtest/go/consumers): Ignition, the kubelet's config
// validation and the Machine Config Operator's rules in one small Go program, built once from Go
// modules into the same cache as the control plane, keyed by a hash of its go.mod, go.sum and
// source so any change rebuilds it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildInto, cacheRoot, type Progress } from '../localcluster/binaries.js';
import { goModuleDir, moduleHash } from './go-tools.js';

const MODULE = 'consumers';
const BINARY = 'consumers-validator';

export function consumersValidatorPath(): string {
  return join(cacheRoot(), `${MODULE}_${moduleHash(goModuleDir(MODULE))}`, BINARY);
}

/** The validator binary, built on first use. */
export async function ensureConsumersValidator(progress: Progress = (l) => process.stderr.write(l + '\n')): Promise<string> {
  const bin = consumersValidatorPath();
  if (existsSync(bin)) return bin;
  const dir = join(bin, '..');
  progress(`Building the consumer validator (Ignition, kubelet, MCO rules) from Go modules once; cached in ${dir}.`);
  await buildInto(
    dir,
    [{ moduleDir: goModuleDir(MODULE), label: 'the consumer validator', packages: ['.'], ldflags: ['-s', '-w'], output: BINARY }],
    () => existsSync(bin),
    progress,
  );
  return bin;
}
