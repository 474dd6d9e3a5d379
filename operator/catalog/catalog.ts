// The asset catalog (assets/metadata.yaml): what the operator may apply, in which order and
// under which conditions. Loaded and validated once at start-up; every problem is reported with
// the file and the entry so a broken catalog never reaches a cluster.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { parseFeatures, type Feature } from './features.js';
import { DETECTORS, type Detector } from './hardware.js';
import { TOPOLOGY_FACTS, type TopologyFact } from './topology.js';
import { HCO_KIND } from '../vocabulary/hco.js';
import { sha256 } from '../util/sha256.js';
import { PRECOMPILED_CATALOG } from './precompiled-catalog.js';

export type Condition =
  | { type: 'annotation'; key: string; value: string }
  | { type: 'hardware-detection'; detector: Detector }
  | { type: 'feature-gate'; gate: string }
  | { type: 'hco-field-unconfigured'; path: string }
  | { type: 'topology'; fact: TopologyFact; value: boolean };

export interface Asset {
  name: string;
  /** Template path relative to the assets folder. */
  path: string;
  /** The kind the template produces. */
  kind: string;
  reconcileOrder: number;
  install: 'always' | 'opt-in';
  /** The asset family: the template's top-level folder (hco, machine-config, operators, ...). */
  family: string;
  group?: string;
  /** A CRD (by name) that must be installed before the asset is considered. */
  gateCrd?: string;
  templateParams: Record<string, unknown>;
  conditions: Condition[];
  /** A one-line description for docs and explain. */
  description: string;
  /** What applying (or changing) it disrupts, e.g. "reboots pool worker"; docs only. */
  disrupts?: string;
  /** What the admin must provide for it to do anything (an operator, a value, hardware); docs only. */
  adminProvides?: string;
}

export interface Catalog {
  dir: string;
  assets: Asset[];
  /** User-facing features, each a set of assets (empty when the catalog declares none). */
  features: Feature[];
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type Raw = Record<string, unknown>;

function str(entry: Raw, field: string, where: string, required = true): string | undefined {
  const v = entry[field];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v === '') throw new CatalogError(`${where}: "${field}" must be a non-empty string`);
  return v;
}

function parseCondition(c: unknown, where: string): Condition {
  if (!c || typeof c !== 'object') throw new CatalogError(`${where}: a condition must be a mapping`);
  const r = c as Raw;
  const w = `${where}: condition ${JSON.stringify(r.type)}`;
  switch (r.type) {
    case 'annotation': {
      const v = r.value ?? 'true';
      if (typeof v !== 'string' && typeof v !== 'boolean' && typeof v !== 'number') throw new CatalogError(`${w}: "value" must be a string`);
      return { type: 'annotation', key: str(r, 'key', w)!, value: String(v) };
    }
    case 'hardware-detection': {
      const d = str(r, 'detector', w)!;
      if (!(DETECTORS as readonly string[]).includes(d)) throw new CatalogError(`${w}: unknown detector "${d}" (known: ${DETECTORS.join(', ')})`);
      return { type: 'hardware-detection', detector: d as Detector };
    }
    case 'feature-gate':
      return { type: 'feature-gate', gate: str(r, 'gate', w)! };
    case 'hco-field-unconfigured':
      return { type: 'hco-field-unconfigured', path: str(r, 'path', w)! };
    case 'topology': {
      const f = str(r, 'fact', w)!;
      if (!(TOPOLOGY_FACTS as readonly string[]).includes(f))
        throw new CatalogError(`${w}: unknown topology fact "${f}" (known: ${TOPOLOGY_FACTS.join(', ')})`);
      if (r.value !== undefined && typeof r.value !== 'boolean') throw new CatalogError(`${w}: "value" must be true or false`);
      return { type: 'topology', fact: f as TopologyFact, value: r.value === undefined ? true : r.value };
    }
    default:
      throw new CatalogError(
        `${where}: unknown condition type ${JSON.stringify(r.type)} (known: annotation, hardware-detection, feature-gate, hco-field-unconfigured, topology)`,
      );
  }
}

/** A field only when set (assets stay comparable field by field). */
const optional = <K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> => (v === undefined ? {} : ({ [k]: v } as Record<K, string>));

function parseAsset(e: unknown, i: number, file: string, dir: string): Asset {
  if (!e || typeof e !== 'object') throw new CatalogError(`${file}: assets[${i}] must be a mapping`);
  const r = e as Raw;
  const where = `${file}: asset ${typeof r.name === 'string' ? `"${r.name}"` : `#${i}`}`;
  const known = new Set([
    'name',
    'path',
    'kind',
    'reconcile_order',
    'install',
    'group',
    'gate_crd',
    'template_params',
    'conditions',
    'description',
    'disrupts',
    'admin_provides',
  ]);
  if ('component' in r) throw new CatalogError(`${where}: the field "component" is now "kind" (the kind the template produces)`);
  const unknown = Object.keys(r).filter((k) => !known.has(k));
  if (unknown.length) throw new CatalogError(`${where}: unknown field(s) ${unknown.join(', ')}`);
  const name = str(r, 'name', where)!;
  if (!NAME_RE.test(name)) throw new CatalogError(`${where}: name must be lowercase letters, digits and dashes`);
  const path = str(r, 'path', where)!;
  if (path.includes('..') || path.startsWith('/')) throw new CatalogError(`${where}: path must stay inside the assets folder`);
  if (!existsSync(join(dir, path))) throw new CatalogError(`${where}: template ${path} does not exist in ${dir}`);
  const order = r.reconcile_order;
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 0) throw new CatalogError(`${where}: reconcile_order must be an integer ≥ 0`);
  const install = r.install ?? 'always';
  if (install !== 'always' && install !== 'opt-in') throw new CatalogError(`${where}: install must be "always" or "opt-in"`);
  if (r.conditions !== undefined && !Array.isArray(r.conditions)) throw new CatalogError(`${where}: conditions must be a list`);
  const conditions = ((r.conditions as unknown[] | undefined) ?? []).map((c) => parseCondition(c, where));
  if (install === 'opt-in' && !conditions.some((c) => c.type === 'annotation' || c.type === 'feature-gate')) {
    throw new CatalogError(`${where}: an opt-in asset needs an annotation or feature-gate condition that opts in`);
  }
  const params = r.template_params ?? {};
  if (typeof params !== 'object' || Array.isArray(params) || params === null) throw new CatalogError(`${where}: template_params must be a mapping`);
  return {
    name,
    path,
    kind: str(r, 'kind', where)!,
    reconcileOrder: order,
    install,
    family: path.split('/')[0]!,
    group: str(r, 'group', where, false),
    gateCrd: str(r, 'gate_crd', where, false),
    templateParams: params as Record<string, unknown>,
    conditions,
    description: str(r, 'description', where, false) ?? '',
    ...optional('disrupts', str(r, 'disrupts', where, false)),
    ...optional('adminProvides', str(r, 'admin_provides', where, false)),
  };
}

/** Loads and validates `<dir>/metadata.yaml`. Assets come back sorted by reconcile order, then name.
 *  @param precompiled the file parsed ahead of time, used only while the file has that content */
export function loadCatalog(dir: string, precompiled: { sha256: string; json: string } | undefined = PRECOMPILED_CATALOG): Catalog {
  const file = join(dir, 'metadata.yaml');
  let doc: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    doc = precompiled && precompiled.sha256 === sha256(text) ? JSON.parse(precompiled.json) : yaml.load(text);
  } catch (e) {
    throw new CatalogError(`${file}: ${(e as Error).message}`);
  }
  const root = doc as Raw | null;
  if (!root || !Array.isArray(root.assets)) throw new CatalogError(`${file}: expected a top-level "assets" list`);
  const assets = root.assets.map((e, i) => parseAsset(e, i, file, dir));
  const seen = new Set<string>();
  for (const a of assets) {
    if (seen.has(a.name)) throw new CatalogError(`${file}: duplicate asset name "${a.name}"`);
    seen.add(a.name);
  }
  const hco = assets.filter((a) => a.kind === HCO_KIND);
  for (const a of hco) if (a.reconcileOrder !== 0) throw new CatalogError(`${file}: asset "${a.name}": the HyperConverged asset must have reconcile_order 0`);
  for (const a of assets) {
    if (a.reconcileOrder === 0 && a.kind !== HCO_KIND)
      throw new CatalogError(`${file}: asset "${a.name}": reconcile_order 0 is reserved for the HyperConverged asset`);
  }
  // Code-point order: names are [a-z0-9-], where it is the collation's order too, and
  // localeCompare would load ICU's collator (memory and start-up CPU) for this one sort.
  assets.sort((a, b) => a.reconcileOrder - b.reconcileOrder || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { dir, assets, features: parseFeatures(root.features, assets, file) };
}
