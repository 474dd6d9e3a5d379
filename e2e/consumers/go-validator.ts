// Runs the Go consumer validator (envtest/go/consumers) over a batch of objects. Results are kept
// per (OpenShift version, object), so a scenario matrix that renders the same object many times
// pays for it once, and prime() judges a whole matrix in one process per OpenShift version.
import { spawn } from 'node:child_process';
import type { KubeObject } from '../../operator/kube/types.js';
import { stableStringify } from '../../operator/util/stable-json.js';
import { ensureConsumersValidator } from '../../envtest/consumers-validator.js';

export interface GoFinding {
  consumer: string;
  rule: string;
  source: string;
  message: string;
}

export interface IgnitionFacts {
  version: string;
  files: { path: string; mode: number | null; contents: string }[];
  units: { name: string; enabled: boolean | null; mask: boolean | null; contents: string | null; dropins: { name: string; contents: string }[] }[];
}

export interface GoResult {
  findings: GoFinding[];
  ignition?: IgnitionFacts;
}

const memo = new Map<string, GoResult>();
const keyOf = (version: string, obj: KubeObject): string => `${version}\u0000${stableStringify(obj)}`;

async function run(items: { id: string; openshiftVersion: string; object: KubeObject }[]): Promise<Map<string, GoResult>> {
  const bin = await ensureConsumersValidator();
  const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const code = new Promise<number>((res, rej) => {
    child.on('error', rej);
    child.on('close', (c) => res(c ?? 1));
  });
  child.stdin.end(JSON.stringify({ items }));
  if ((await code) !== 0) throw new Error(`consumer validator ${bin} failed: ${err.trim()}`);
  const parsed = JSON.parse(out) as { results: (GoResult & { id: string })[] };
  return new Map(parsed.results.map((r) => [r.id, { findings: r.findings, ignition: r.ignition }]));
}

/** Judges every not-yet-judged object of a batch in one run of the validator. */
export async function prime(batch: { openshiftVersion: string; object: KubeObject }[]): Promise<void> {
  const todo = new Map<string, { id: string; openshiftVersion: string; object: KubeObject }>();
  for (const b of batch) {
    const k = keyOf(b.openshiftVersion, b.object);
    if (!memo.has(k) && !todo.has(k)) todo.set(k, { id: String(todo.size), ...b });
  }
  if (todo.size === 0) return;
  // The kubelet's feature gates are process-wide in the validator: one run per OpenShift version.
  const versions = [...new Set([...todo.values()].map((t) => t.openshiftVersion))];
  const results = new Map<string, GoResult>();
  for (const v of versions) for (const [id, r] of await run([...todo.values()].filter((t) => t.openshiftVersion === v))) results.set(id, r);
  for (const [k, item] of todo) {
    const r = results.get(item.id);
    if (!r) throw new Error(`consumer validator returned no result for ${item.object.kind} ${item.object.metadata?.name}`);
    memo.set(k, r);
  }
}

export async function judge(openshiftVersion: string, object: KubeObject): Promise<GoResult> {
  const k = keyOf(openshiftVersion, object);
  if (!memo.has(k)) await prime([{ openshiftVersion, object }]);
  return memo.get(k)!;
}
