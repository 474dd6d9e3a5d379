/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access -- broken fixtures are built by poking into plain objects */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { clone, ctx, rulesOf } from './fixtures.js';
import { balanced, validatePersesDashboard } from './perses.js';

const panel = (query: string) => ({
  kind: 'Panel',
  spec: {
    display: { name: 'p' },
    plugin: { kind: 'TimeSeriesChart', spec: {} },
    queries: [{ kind: 'TimeSeriesQuery', spec: { plugin: { kind: 'PrometheusTimeSeriesQuery', spec: { query } } } }],
  },
});
const dash = (): KubeObject => ({
  apiVersion: 'perses.dev/v1alpha2',
  kind: 'PersesDashboard',
  metadata: { name: 'd', namespace: 'openshift-cnv' },
  spec: {
    config: {
      duration: '6h',
      refreshInterval: '1m',
      panels: { a: panel('sum(rate(x[5m]))') },
      layouts: [{ kind: 'Grid', spec: { items: [{ x: 0, y: 0, width: 12, height: 8, content: { $ref: '#/spec/panels/a' } }] } }],
    },
  },
});
const config = (o: KubeObject) => (o.spec as { config: Record<string, any> }).config;

describe('consumer rules: PersesDashboard', () => {
  it('a good dashboard passes; PromQL brackets and quotes are balanced', () => {
    assert.deepEqual(validatePersesDashboard(dash(), ctx('4.21')), []);
    assert.ok(balanced('sum by (le) (rate(x{a="(",b=~"]"}[5m]))'));
    assert.ok(!balanced('sum(rate(x[5m])') && !balanced('x{a="b}'));
  });
  it('each broken fixture is found', () => {
    const cases: [(c: Record<string, any>) => void, string][] = [
      [(c) => (c.duration = '6 hours'), 'duration'],
      [(c) => (c.layouts[0].spec.items[0].content.$ref = '#/spec/panels/b'), 'layout-refs'],
      [(c) => (c.panels.b = panel('up')), 'layout-refs'],
      [(c) => (c.panels.a.spec.plugin.kind = 'FancyChart'), 'panel-plugin'],
      [(c) => (c.panels.a.spec.queries[0].spec.plugin.spec.query = 'sum(rate(x[5m])'), 'query'],
      [
        (c) =>
          (c.variables = [
            { kind: 'TextVariable', spec: { name: 'v' } },
            { kind: 'TextVariable', spec: { name: 'v' } },
          ]),
        'variables',
      ],
    ];
    for (const [breakIt, rule] of cases) {
      const o = clone(dash());
      breakIt(config(o));
      assert.deepEqual(rulesOf(validatePersesDashboard(o, ctx('4.21'))), [rule], rule);
    }
  });
});
