// The Node flags the operator runs with in the cluster, read from where they are set: the
// Deployment's NODE_OPTIONS (heap sizes; NODE_OPTIONS admits only those) and the image's
// ENTRYPOINT (the GC flags NODE_OPTIONS refuses). The bench runs with exactly these.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { repoPath } from './repo.js';

interface Deployment {
  spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
}

export function deploymentNodeOptions(): string {
  const d = yaml.load(readFileSync(repoPath('manifests', 'deployment.yaml'), 'utf8')) as Deployment;
  return d.spec.template.spec.containers[0]?.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
}

/** The ENTRYPOINT's own Node flags (between `node` and the script). */
export function entrypointNodeFlags(): string[] {
  const m = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(readFileSync(repoPath('Dockerfile'), 'utf8'));
  const entrypoint = m ? (JSON.parse(m[1]!) as string[]) : [];
  return entrypoint.slice(1, -1);
}

export function imageNodeFlags(): string[] {
  return [...deploymentNodeOptions().split(/\s+/).filter(Boolean), ...entrypointNodeFlags()];
}
