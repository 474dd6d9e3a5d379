// Reading CustomResourceDefinitions from YAML files or folders (the render CLI's --crds-dir, the
// test harness, rbac-gen). Folders are walked recursively; sub-folders named "<x>-versions" hold
// alternative versions of one CRD and are skipped (tests install them one at a time).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { KubeObject } from '../vocabulary/object.js';

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!name.endsWith('-versions')) out.push(...yamlFiles(p));
    } else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

export function loadCrds(path: string): KubeObject[] {
  const files = statSync(path).isDirectory() ? yamlFiles(path) : [path];
  const crds: KubeObject[] = [];
  for (const f of files) {
    for (const doc of yaml.loadAll(readFileSync(f, 'utf8'))) {
      const o = doc as KubeObject | null;
      if (o && o.kind === 'CustomResourceDefinition') crds.push(o);
    }
  }
  return crds;
}
