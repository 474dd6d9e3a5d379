// The operator's ClusterRole, built from the kinds the assets use and the operator's fixed needs,
// and written as stable YAML: one rule per resource, sorted by API group then resource, verbs in a
// fixed order, each rule with a comment saying why the operator needs it.
import { FAMILY_HANDLERS } from '../operator/families/registry.js';
import type { CrdInfo } from '../operator/vocabulary/crd-info.js';
import type { KindUse } from './collect.js';
import { mapKind, mapKindByName, MappingError } from './kinds.js';

export const ROLE_NAME = 'virt-platform-operator';
export const HEADER = '# AUTO-GENERATED — DO NOT EDIT (npm run rbac-gen)';

export const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'bind'] as const;
export type Verb = (typeof VERB_ORDER)[number];

/**
 * A managed kind: informer (list, watch), GET when the cache misses, server-side apply (PATCH,
 * also dry-run; creating through apply needs create), merge PATCH of the pause annotation and of a
 * release, DELETE of an object the operator created when its asset is turned off (the off-switch).
 * No update: nothing PUTs a managed object.
 */
export const MANAGED_VERBS: readonly Verb[] = ['get', 'list', 'watch', 'create', 'patch', 'delete'];
/**
 * A tombstoned kind: found through the label-selected informer (list, watch), then DELETEd by name.
 * Delete is granted on the tombstones' names only (resourceNames) unless the kind is prunable
 * anyway (an asset's kind the operator creates, so may delete when it is turned off).
 */
export const TOMBSTONE_VERBS: readonly Verb[] = ['list', 'watch'];

export interface FixedNeed {
  group: string;
  resource: string;
  verbs: Verb[];
  why: string;
}

/** What the operator needs whatever the assets are (Leases are in the namespaced leader-election Role). */
export const FIXED_NEEDS: readonly FixedNeed[] = [
  { group: '', resource: 'events', verbs: ['create'], why: 'Events about managed objects (cluster-scoped ones go to "default")' },
  { group: '', resource: 'namespaces', verbs: ['get', 'list', 'watch'], why: 'target namespaces (a missing one is a soft dependency)' },
  { group: '', resource: 'nodes', verbs: ['get', 'list', 'watch'], why: 'hardware and topology detection' },
  {
    group: 'apiextensions.k8s.io',
    resource: 'customresourcedefinitions',
    verbs: ['get', 'list', 'watch'],
    why: 'soft dependencies: watches start and stop with CRDs',
  },
  { group: 'config.openshift.io', resource: 'clusterversions', verbs: ['list', 'watch'], why: 'the OpenShift version the payload depends on (render context)' },
  {
    group: 'config.openshift.io',
    resource: 'infrastructures',
    verbs: ['list', 'watch'],
    why: 'control-plane and infrastructure topology, platform (render context)',
  },
  { group: 'hco.kubevirt.io', resource: 'hyperconvergeds', verbs: ['get', 'list', 'watch', 'patch'], why: 'the HyperConverged is the configuration source' },
  { group: 'authentication.k8s.io', resource: 'tokenreviews', verbs: ['create'], why: "/metrics: authenticate the scraper's bearer token (TokenReview)" },
  {
    group: 'authorization.k8s.io',
    resource: 'subjectaccessreviews',
    verbs: ['create'],
    why: '/metrics: authorize the scraper for get /metrics (SubjectAccessReview)',
  },
  // What the family handlers read but never write (their observed kinds).
  ...FAMILY_HANDLERS.flatMap((h) =>
    (h.observes ?? []).map((k): FixedNeed => ({
      group: k.group,
      resource: k.plural,
      verbs: ['list', 'watch'],
      why: `the ${h.name} family reads ${k.kind}s (a projection, never written)`,
    })),
  ),
];

/**
 * Kinds the operator reads and applies but never creates: the HyperConverged is the configuration
 * source, so without one the operator is idle and there is nothing to create — nor to delete when
 * its asset is turned off (an adopted object is released, never deleted).
 */
export const NEVER_CREATED = new Set(['hco.kubevirt.io/HyperConverged']);

export interface Rule {
  group: string;
  resource: string;
  /** Only on delete rules (the tombstoned objects' names) and bind rules (the bound roles' names). */
  resourceNames?: string[];
  verbs: Verb[];
  /** Why: the fixed need, the assets and the tombstone files behind the rule (sorted). */
  fixed?: string;
  assets: string[];
  tombstones: string[];
}

type Why = { fixed: string } | KindUse['by'];

interface Acc {
  group: string;
  resource: string;
  verbs: Set<Verb>;
  fixed?: string;
  assets: Set<string>;
  tombstones: Set<string>;
}

function grant(rules: Map<string, Acc>, group: string, resource: string, verbs: readonly Verb[], why: Why): void {
  const k = `${group}\u0000${resource}`;
  let r = rules.get(k);
  if (!r) rules.set(k, (r = { group, resource, verbs: new Set(), assets: new Set(), tombstones: new Set() }));
  for (const v of verbs) r.verbs.add(v);
  if ('fixed' in why) r.fixed = why.fixed;
  else if ('asset' in why) r.assets.add(why.asset);
  else r.tombstones.add(why.tombstone);
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A ClusterRole that an asset's ClusterRoleBinding binds: the API server lets the operator create the
 *  binding only with "bind" on that role (or every permission in it), so bind is granted by name. */
export interface RoleBinding {
  asset: string;
  role: string;
}

/** Builds the rules; throws a MappingError listing every kind it cannot map. */
export function buildRules(
  managed: readonly KindUse[],
  tombstones: readonly KindUse[],
  crds: readonly CrdInfo[],
  bindings: readonly RoleBinding[] = [],
): Rule[] {
  const rules = new Map<string, Acc>();
  for (const f of FIXED_NEEDS) grant(rules, f.group, f.resource, f.verbs, { fixed: f.why });
  const problems: string[] = [];
  const map = (u: KindUse): ReturnType<typeof mapKind> | undefined => {
    try {
      return u.fromCatalogOnly ? mapKindByName(u.kind, crds) : mapKind(u.apiVersion, u.kind, crds);
    } catch (e) {
      if (!(e instanceof MappingError)) throw e;
      problems.push(`${'asset' in u.by ? `asset ${u.by.asset}` : u.by.tombstone}: ${e.message}`);
      return undefined;
    }
  };
  for (const u of managed) {
    const m = map(u);
    if (!m) continue;
    const verbs = NEVER_CREATED.has(`${m.group}/${m.kind}`) ? MANAGED_VERBS.filter((v) => v !== 'create' && v !== 'delete') : MANAGED_VERBS;
    grant(rules, m.group, m.resource, verbs, u.by);
  }
  const deletes = new Map<string, { group: string; resource: string; names: Set<string>; tombstones: Set<string> }>();
  for (const u of tombstones) {
    const m = map(u);
    if (!m) continue;
    grant(rules, m.group, m.resource, TOMBSTONE_VERBS, u.by);
    if (!u.name) throw new Error(`${'tombstone' in u.by ? u.by.tombstone : ''}: a tombstone needs metadata.name`);
    const k = `${m.group}\u0000${m.resource}`;
    let d = deletes.get(k);
    if (!d) deletes.set(k, (d = { group: m.group, resource: m.resource, names: new Set(), tombstones: new Set() }));
    d.names.add(u.name);
    if ('tombstone' in u.by) d.tombstones.add(u.by.tombstone);
  }
  if (problems.length) throw new MappingError(`cannot map every kind to a resource:\n  ${problems.join('\n  ')}`);
  const out: Rule[] = [...rules.values()].map((r) => ({
    group: r.group,
    resource: r.resource,
    verbs: VERB_ORDER.filter((v) => r.verbs.has(v)),
    ...(r.fixed ? { fixed: r.fixed } : {}),
    assets: [...r.assets].sort(byCodePoint),
    tombstones: [...r.tombstones].sort(byCodePoint),
  }));
  for (const d of deletes.values()) {
    if (rules.get(`${d.group}\u0000${d.resource}`)?.verbs.has('delete')) continue; // prunable: delete on the kind already
    out.push({
      group: d.group,
      resource: d.resource,
      resourceNames: [...d.names].sort(byCodePoint),
      verbs: ['delete'],
      assets: [],
      tombstones: [...d.tombstones].sort(byCodePoint),
    });
  }
  if (bindings.length) {
    out.push({
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      resourceNames: [...new Set(bindings.map((b) => b.role))].sort(byCodePoint),
      verbs: ['bind'],
      assets: [...new Set(bindings.map((b) => b.asset))].sort(byCodePoint),
      tombstones: [],
    });
  }
  // By group, then resource; a resource's general rule before its name-restricted delete rule.
  out.sort(
    (a, b) => byCodePoint(a.group, b.group) || byCodePoint(a.resource, b.resource) || Number(Boolean(a.resourceNames)) - Number(Boolean(b.resourceNames)),
  );
  for (const r of out) {
    if ([r.group, r.resource, ...r.verbs, ...(r.resourceNames ?? [])].some((s) => s.includes('*')))
      throw new Error(`refusing a wildcard in the generated role: ${JSON.stringify(r)}`);
  }
  return out;
}

/** Folds a comment into lines of at most `width` characters. */
function comment(text: string, indent: string, width = 100): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && indent.length + 2 + cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.map((l, i) => `${indent}# ${i ? '  ' : ''}${l}`);
}

const q = (s: string): string => JSON.stringify(s);

export function roleYaml(rules: readonly Rule[]): string {
  const lines = [
    HEADER,
    '#',
    '# The permissions of the virt-platform-operator ServiceAccount, generated by rbac-gen/ from',
    '# assets/metadata.yaml (every template rendered with every condition satisfied) and',
    "# assets/tombstones/, plus the operator's fixed needs. Managed kinds get get/list/watch/",
    '# create/patch (server-side apply); delete is granted only on the tombstoned objects, by name.',
    '# The leader-election Lease is in a namespaced Role (manifests/rbac/leader-election.yaml).',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata:',
    `  name: ${ROLE_NAME}`,
    '  labels:',
    '    app.kubernetes.io/name: virt-platform-operator',
    'rules:',
  ];
  for (const r of rules) {
    const why = [
      ...(r.fixed ? [r.fixed] : []),
      ...(r.assets.length ? [`asset${r.assets.length > 1 ? 's' : ''} ${r.assets.join(', ')}`] : []),
      ...(r.tombstones.length
        ? [`tombstone${r.tombstones.length > 1 ? 's' : ''} ${r.tombstones.join(', ')}${r.resourceNames ? ': delete only these' : ''}`]
        : []),
      ...(r.verbs.includes('bind') ? ['bind only these roles (their ClusterRoleBindings)'] : []),
    ];
    lines.push(...comment(why.join('; '), '  '));
    lines.push(`  - apiGroups: [${q(r.group)}]`, `    resources: [${q(r.resource)}]`);
    if (r.resourceNames) lines.push(`    resourceNames: [${r.resourceNames.map(q).join(', ')}]`);
    lines.push(`    verbs: [${r.verbs.map(q).join(', ')}]`);
  }
  return lines.join('\n') + '\n';
}
