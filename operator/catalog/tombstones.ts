// Tombstones: minimal manifests (assets/tombstones/*.yaml) of objects an older version created and
// that must go. Read by the controller (which deletes them) and rbac-gen (which grants delete on
// exactly them).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { KubeObject } from '../vocabulary/object.js';

export interface Tombstone {
  /** Relative to the assets folder, e.g. tombstones/old-machine-configs.yaml. */
  file: string;
  object: KubeObject;
}

export function loadTombstones(assetsDir: string): Tombstone[] {
  const dir = join(assetsDir, 'tombstones');
  if (!existsSync(dir)) return [];
  const out: Tombstone[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()) {
    for (const doc of yaml.loadAll(readFileSync(join(dir, f), 'utf8'))) {
      const o = doc as KubeObject | null;
      if (!o) continue;
      if (!o.apiVersion || !o.kind || !o.metadata?.name) throw new Error(`${join(dir, f)}: a tombstone needs apiVersion, kind and metadata.name`);
      out.push({ file: `tombstones/${f}`, object: o });
    }
  }
  return out;
}
