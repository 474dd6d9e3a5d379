// Perses (perses/perses) judging a PersesDashboard's spec.config as the Cluster Observability
// Operator hands it over: the dashboard model's own rules - every layout item references an
// existing panel ("#/spec/panels/<key>"), panel keys and variable names are valid and unique,
// durations parse - and the plugins it renders with. PromQL is checked for balanced brackets and
// quotes (the Prometheus datasource plugin parses it).
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { dig, findings, isRecord, show } from './support.js';

const REPO = 'perses/perses';
const KEY = /^[a-zA-Z0-9_.-]+$/;
const DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;
/** Panel plugins the Perses UI bundled with the console ships (perses/plugins). */
const PANEL_PLUGINS = [
  'TimeSeriesChart',
  'StatChart',
  'GaugeChart',
  'BarChart',
  'Table',
  'Markdown',
  'ScatterChart',
  'HeatMapChart',
  'PieChart',
  'TimeSeriesTable',
  'LogsTable',
  'TraceTable',
];

export function balanced(query: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quote: string | undefined;
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return false;
  }
  return stack.length === 0 && quote === undefined;
}

export function validatePersesDashboard(obj: KubeObject, _ctx: ConsumerContext) {
  const f = findings('perses', obj);
  const config = dig(obj, 'spec.config');
  if (!isRecord(config)) {
    f.check(false, 'dashboard-spec', `${REPO} pkg/model/api/v1/dashboard.go DashboardSpec`, 'spec.config is missing');
    return f.list;
  }
  for (const k of ['duration', 'refreshInterval']) {
    if (config[k] !== undefined)
      f.check(
        typeof config[k] === 'string' && DURATION.test(config[k]) && config[k] !== '',
        'duration',
        `${REPO} pkg/model/api/v1/common/duration.go`,
        `${k} ${show(config[k])} is not a duration`,
      );
  }
  const panels = isRecord(config.panels) ? config.panels : {};
  for (const [key, p] of Object.entries(panels)) {
    f.check(KEY.test(key), 'panel-key', `${REPO} pkg/model/api/v1/dashboard.go (panel keys)`, `panel key ${show(key)} is not valid`);
    const plugin = dig(p, 'spec.plugin.kind');
    f.check(
      dig(p, 'kind') === 'Panel' && typeof plugin === 'string' && PANEL_PLUGINS.includes(plugin),
      'panel-plugin',
      `${REPO} pkg/model/api/v1/dashboard/panel.go; perses/plugins`,
      `panel ${key}: kind Panel with a known plugin (got ${show(plugin)})`,
    );
    const queries = dig(p, 'spec.queries');
    for (const q of Array.isArray(queries) ? queries : []) {
      const promql = dig(q, 'spec.plugin.spec.query');
      const ok =
        dig(q, 'kind') === 'TimeSeriesQuery' &&
        dig(q, 'spec.plugin.kind') === 'PrometheusTimeSeriesQuery' &&
        typeof promql === 'string' &&
        promql.trim() !== '' &&
        balanced(promql);
      f.check(
        ok,
        'query',
        `${REPO} pkg/model/api/v1/dashboard/query.go; perses/plugins prometheus PrometheusTimeSeriesQuery`,
        `panel ${key}: ${show(promql)} is not a Prometheus time series query`,
      );
    }
  }
  const layouts = Array.isArray(config.layouts) ? config.layouts : [];
  f.check(layouts.length > 0, 'layout-refs', `${REPO} pkg/model/api/v1/dashboard.go DashboardSpec.Layouts`, 'a dashboard needs a layout');
  const used = new Set<string>();
  for (const l of layouts) {
    f.check(
      dig(l, 'kind') === 'Grid',
      'layout-refs',
      `${REPO} pkg/model/api/v1/dashboard/layout.go (KindGridLayout)`,
      `layout kind ${show(dig(l, 'kind'))} is not Grid`,
    );
    const items = dig(l, 'spec.items');
    for (const it of Array.isArray(items) ? items : []) {
      const ref = dig(it, 'content.$ref');
      const m = typeof ref === 'string' ? /^#\/spec\/panels\/(.+)$/.exec(ref) : null;
      f.check(
        m !== null && Object.hasOwn(panels, m[1]!),
        'layout-refs',
        `${REPO} pkg/model/api/v1/dashboard.go (layout references resolve to panels)`,
        `layout item ${show(ref)} references no panel`,
      );
      if (m) used.add(m[1]!);
      for (const k of ['x', 'y', 'width', 'height'])
        f.check(
          Number.isInteger(dig(it, k)) && (dig(it, k) as number) >= 0,
          'layout-refs',
          `${REPO} pkg/model/api/v1/dashboard/layout.go GridItem`,
          `layout item ${show(ref)}: ${k} must be a whole number`,
        );
    }
  }
  const unused = Object.keys(panels).filter((k) => !used.has(k));
  f.check(
    unused.length === 0,
    'layout-refs',
    `${REPO} ui/dashboards (a panel no layout references is never shown)`,
    `panel(s) never shown: ${unused.join(', ')}`,
  );
  const variables = Array.isArray(config.variables) ? config.variables : [];
  const names = variables.map((v) => dig(v, 'spec.name'));
  f.check(new Set(names).size === names.length, 'variables', `${REPO} pkg/model/api/v1/dashboard.go (variable names unique)`, 'variable names must be unique');
  return f.list;
}

export const persesRules: ConsumerRules = { consumer: 'perses', kinds: ['PersesDashboard'], validate: validatePersesDashboard };
