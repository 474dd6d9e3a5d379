// User-facing features (assets/metadata.yaml "features"): every asset belongs to exactly one. A
// feature has a title, a description, a maturity and the operators it requires; its opt-in
// annotations are the enable-* annotation conditions of its assets.
import { CatalogError, type Asset } from './catalog.js';

export const MATURITIES = ['GA', 'Tech Preview', 'Dev Preview'] as const;
export type Maturity = (typeof MATURITIES)[number];

export interface Feature {
  name: string;
  title: string;
  description: string;
  maturity: Maturity;
  requires: string[];
  assets: string[];
  /** The platform.kubevirt.io/enable-* annotations its assets wait for (none: on with the autopilot). */
  enable: string[];
  /** HCO feature gates its assets wait for. */
  featureGates: string[];
}

type Raw = Record<string, unknown>;
const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function text(r: Raw, field: string, where: string): string {
  const v = r[field];
  if (typeof v !== 'string' || !v.trim()) throw new CatalogError(`${where}: "${field}" must be a non-empty string`);
  return v;
}

function strings(r: Raw, field: string, where: string): string[] {
  const v = r[field] ?? [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x)) throw new CatalogError(`${where}: "${field}" must be a list of names`);
  return v as string[];
}

export function parseFeatures(raw: unknown, assets: Asset[], file: string): Feature[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new CatalogError(`${file}: "features" must be a list`);
  const byName = new Map(assets.map((a) => [a.name, a]));
  const owner = new Map<string, string>();
  const features = raw.map((e, i): Feature => {
    if (!e || typeof e !== 'object') throw new CatalogError(`${file}: features[${i}] must be a mapping`);
    const r = e as Raw;
    const where = `${file}: feature ${typeof r.name === 'string' ? `"${r.name}"` : `#${i}`}`;
    const unknown = Object.keys(r).filter((k) => !['name', 'title', 'description', 'maturity', 'requires', 'assets'].includes(k));
    if (unknown.length) throw new CatalogError(`${where}: unknown field(s) ${unknown.join(', ')}`);
    const name = text(r, 'name', where);
    if (!NAME_RE.test(name)) throw new CatalogError(`${where}: name must be lowercase letters, digits and dashes`);
    const maturity = text(r, 'maturity', where);
    if (!(MATURITIES as readonly string[]).includes(maturity)) throw new CatalogError(`${where}: maturity must be one of ${MATURITIES.join(', ')}`);
    const list = strings(r, 'assets', where);
    if (!list.length) throw new CatalogError(`${where}: a feature needs at least one asset`);
    for (const a of list) {
      if (!byName.has(a)) throw new CatalogError(`${where}: no asset named "${a}"`);
      if (owner.has(a)) throw new CatalogError(`${where}: asset "${a}" already belongs to feature "${owner.get(a)}"`);
      owner.set(a, name);
    }
    const conds = list.flatMap((a) => byName.get(a)!.conditions);
    return {
      name,
      title: text(r, 'title', where),
      description: text(r, 'description', where),
      maturity: maturity as Maturity,
      requires: strings(r, 'requires', where),
      assets: list,
      enable: [...new Set(conds.flatMap((c) => (c.type === 'annotation' && /\/enable-[a-z0-9-]+$/.test(c.key) ? [c.key] : [])))].sort(),
      featureGates: [...new Set(conds.flatMap((c) => (c.type === 'feature-gate' ? [c.gate] : [])))].sort(),
    };
  });
  const seen = new Set<string>();
  for (const f of features) {
    if (seen.has(f.name)) throw new CatalogError(`${file}: duplicate feature name "${f.name}"`);
    seen.add(f.name);
  }
  const orphans = assets.filter((a) => !owner.has(a.name)).map((a) => a.name);
  if (features.length && orphans.length) throw new CatalogError(`${file}: asset(s) in no feature: ${orphans.join(', ')}`);
  return features;
}
