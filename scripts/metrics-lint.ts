// Metric-name lint: Prometheus' own rules (`promtool check metrics`, promlint) plus the KubeVirt
// conventions, encoded here with their sources:
// - kubevirt/monitoring test/metrics/prom-metrics-linter/custom_linter_rules.go (CustomLinterRules):
//   every metric of an operator starts with "<operator>_<sub-operator>_" (here virt_platform_), and
//   a counter ends in "_total" (or "_timestamp_seconds", the one exception it allows);
// - kubevirt/monitoring monitoring-guidelines.md: the Help text MUST be verbose (it becomes the
//   metrics documentation);
// - prometheus.io/docs/practices/naming: label names are snake_case.
// The Node.js runtime metrics prom-client adds (process_*, nodejs_*) are Prometheus' standard
// client metrics, not the operator's: promtool checks them, the KubeVirt prefix rule does not.
import { spawnSync } from 'node:child_process';

export interface Family {
  name: string;
  type: string;
  help: string;
  labels: Set<string>;
}

export interface Problem {
  metric: string;
  text: string;
}

const RUNTIME = /^(process|nodejs)_/;
const SNAKE = /^[a-z_][a-z0-9_]*$/;

/** The metric families of a text exposition (HELP, TYPE and the label names of its samples). */
export function parseFamilies(text: string): Family[] {
  const fams = new Map<string, Family>();
  const fam = (name: string): Family => {
    let f = fams.get(name);
    if (!f) fams.set(name, (f = { name, type: 'untyped', help: '', labels: new Set() }));
    return f;
  };
  for (const line of text.split('\n')) {
    let m = /^# HELP (\S+) ?(.*)$/.exec(line);
    if (m) {
      fam(m[1]!).help = m[2]!;
      continue;
    }
    m = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (m) {
      fam(m[1]!).type = m[2]!;
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!m) continue;
    const sample = m[1]!;
    const base = [...fams.keys()].find((n) => sample === n || (sample.startsWith(n + '_') && /_(bucket|sum|count)$/.test(sample))) ?? sample;
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) if (l[1] !== 'le' && l[1] !== 'quantile') fam(base).labels.add(l[1]!);
  }
  return [...fams.values()];
}

/** Problems with the KubeVirt conventions (the operator's own metrics only). */
export function kubevirtProblems(families: Family[], prefix = 'virt_platform_'): Problem[] {
  const out: Problem[] = [];
  for (const f of families) {
    if (RUNTIME.test(f.name)) continue;
    if (!f.name.startsWith(prefix)) out.push({ metric: f.name, text: `name needs to start with "${prefix}"` });
    if (f.type === 'counter' && !/_total$|_timestamp_seconds$/.test(f.name))
      out.push({ metric: f.name, text: 'counter metrics should have "_total" or "_timestamp_seconds" suffix' });
    if (f.help.trim().split(/\s+/).length < 5) out.push({ metric: f.name, text: `help text is not verbose: "${f.help}"` });
    for (const l of f.labels) if (!SNAKE.test(l)) out.push({ metric: f.name, text: `label "${l}" is not snake_case` });
  }
  return out;
}

/** `promtool check metrics` on a scrape: its problems, one per line (empty when clean). */
export function promtoolProblems(promtool: string, text: string): string[] {
  const r = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim());
  if (r.status !== 0 && lines.length === 0) throw new Error(`promtool check metrics exited ${r.status} without a message`);
  return r.status === 0 ? [] : lines;
}
