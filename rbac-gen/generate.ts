// rbac-gen as a library: assets + CRD folder → the ClusterRole text, and the --check comparison.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadCrds } from '../operator/kube/crd-files.js';
import { projectCrd, type CrdInfo } from '../operator/vocabulary/crd-info.js';
import { collectKinds } from './collect.js';
import { unifiedDiff } from './diff.js';
import { buildRules, roleYaml, type Rule } from './role.js';

export interface GenerateOptions {
  assetsDir: string;
  crdDir: string;
}

export interface Generated {
  yaml: string;
  rules: Rule[];
  notes: string[];
}

export function readCrdInfos(dir: string): CrdInfo[] {
  const infos = loadCrds(dir).map(projectCrd);
  if (infos.length === 0) throw new Error(`${dir}: no CustomResourceDefinition found`);
  return infos;
}

export async function generateRole(o: GenerateOptions): Promise<Generated> {
  const crds = readCrdInfos(o.crdDir);
  const collected = await collectKinds(o.assetsDir, new Map(crds.map((c) => [c.name, c])));
  const bindings = [...collected.objects].flatMap(([asset, o]) => {
    const ref = (o as { roleRef?: { kind?: string; name?: string } }).roleRef;
    return o.kind === 'ClusterRoleBinding' && ref?.kind === 'ClusterRole' && ref.name ? [{ asset, role: ref.name }] : [];
  });
  const rules = buildRules(collected.managed, collected.tombstones, crds, bindings);
  return { yaml: roleYaml(rules), rules, notes: collected.notes };
}

export type CheckResult = { ok: true } | { ok: false; diff: string };

/** Compares the committed file with the generated text. */
export function checkRole(file: string, generated: string, displayName = file): CheckResult {
  if (!existsSync(file)) return { ok: false, diff: `${displayName} does not exist\n` };
  const committed = readFileSync(file, 'utf8');
  if (committed === generated) return { ok: true };
  return { ok: false, diff: unifiedDiff(committed, generated, `${displayName} (committed)`, `${displayName} (generated from assets/)`) };
}

export function writeRole(file: string, text: string): boolean {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return true;
}
