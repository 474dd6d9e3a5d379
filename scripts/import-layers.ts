// The import-direction rule, as data and as a check (`npm test` runs it; docs/architecture.md
// shows the same table). Inside operator/, each layer may import only from itself and the layers
// before it; a layer of several folders lets none of them import another. Tools (rbac-gen/,
// scripts/, localcluster/) use the operator, never the tests (e2e/, envtest/). Tests — *.test.ts,
// e2e/, envtest/ — may import anything.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Bottom to top. Each entry: the layer's name and its members (folders end with "/"). */
export const LAYERS: readonly { name: string; members: readonly string[] }[] = [
  { name: 'util', members: ['operator/util/', 'operator/log.ts', 'operator/paths.ts', 'operator/version.ts'] },
  { name: 'vocabulary', members: ['operator/vocabulary/'] },
  { name: 'patch', members: ['operator/patch/'] },
  { name: 'catalog', members: ['operator/catalog/'] },
  { name: 'render', members: ['operator/render/'] },
  { name: 'kube', members: ['operator/kube/'] },
  { name: 'watch', members: ['operator/watch/'] },
  { name: 'chain', members: ['operator/chain/'] },
  { name: 'families', members: ['operator/families/'] },
  { name: 'controller', members: ['operator/controller/'] },
  { name: 'leader', members: ['operator/leader/'] },
  { name: 'http', members: ['operator/http/'] },
  { name: 'wiring', members: ['operator/operator.ts'] },
  { name: 'cli', members: ['operator/cli/'] },
  { name: 'bin', members: ['operator/bin/'] },
];

export const TOOLS = ['rbac-gen/', 'scripts/', 'localcluster/'];
export const TESTS = ['e2e/', 'envtest/'];

const isTest = (file: string): boolean => file.endsWith('.test.ts') || TESTS.some((t) => file.startsWith(t));
const within = (file: string, member: string): boolean => (member.endsWith('/') ? file.startsWith(member) : file === member);

/** The layer of an operator file and the member (folder or file) it belongs to. */
function placeOf(file: string): { rank: number; member: string } | undefined {
  for (const [rank, layer] of LAYERS.entries()) {
    const member = layer.members.find((m) => within(file, m));
    if (member) return { rank, member };
  }
  return undefined;
}

/** Why importing `target` from `file` (both repo-relative, "/"-separated) breaks the rule, or undefined. */
export function violation(file: string, target: string): string | undefined {
  if (isTest(file)) return undefined;
  if (TESTS.some((t) => target.startsWith(t)) || target.endsWith('.test.ts')) return `${file} imports test code ${target}`;
  if (TOOLS.some((t) => file.startsWith(t))) return undefined;
  if (!file.startsWith('operator/')) return undefined;
  const from = placeOf(file);
  if (!from) return `${file} belongs to no layer (add it to LAYERS in scripts/import-layers.ts)`;
  if (!target.startsWith('operator/')) return `${file} (operator) imports ${target}, outside the operator`;
  const to = placeOf(target);
  if (!to) return `${file} imports ${target}, which belongs to no layer`;
  if (to.member === from.member) return undefined;
  if (to.rank < from.rank) return undefined;
  const [a, b] = [LAYERS[from.rank]?.name, LAYERS[to.rank]?.name];
  return to.rank === from.rank
    ? `${file} imports ${target}: the members of layer "${a}" do not import each other`
    : `${file} (${a}) imports ${target} (${b}), a layer above it`;
}

/** The relative imports of a TypeScript source (static and dynamic, re-exports included), as repo paths. */
export function importsOf(root: string, file: string, text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) =>
      relative(root, resolve(root, dirname(file), spec.replace(/\.js$/, '.ts')))
        .split(sep)
        .join('/'),
    );
}

function sources(root: string, dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(join(root, dir))) return out;
  for (const name of readdirSync(join(root, dir))) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    if (statSync(join(root, p)).isDirectory()) out.push(...sources(root, p));
    else if (name.endsWith('.ts')) out.push(p.split(sep).join('/'));
  }
  return out;
}

/** Every violation in the tree below root. */
export function checkTree(root: string, dirs: readonly string[] = ['operator', ...TOOLS.map((t) => t.slice(0, -1))]): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    for (const file of sources(root, dir)) {
      for (const target of importsOf(root, file, readFileSync(join(root, file), 'utf8'))) {
        const why = violation(file, target);
        if (why) out.push(why);
      }
    }
  }
  return out;
}
