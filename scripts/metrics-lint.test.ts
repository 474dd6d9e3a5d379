// The operator's /metrics as Prometheus and KubeVirt want it: a registry with every metric holding
// a series is linted by promtool (built from github.com/prometheus/prometheus) and by the KubeVirt
// rules; both linters are shown to catch a bad name.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import client from 'prom-client';
import { ensureGoTool, GO_TOOLS } from '../envtest/go-tools.js';
import { OperatorMetrics } from '../operator/http/metrics.js';
import { kubevirtProblems, parseFamilies, promtoolProblems } from './metrics-lint.js';

/** Every metric of the operator with at least one series. */
async function fullScrape(): Promise<string> {
  const m = new OperatorMetrics(true);
  m.outcome('hco-golden-config', { status: 'in-sync', message: 'in sync' }, ['patch']);
  m.outcome('metallb', { status: 'refused', reason: 'InvalidPatch', message: 'bad' }, []);
  m.outcome('descheduler-kubevirt', { status: 'skipped', reason: 'CRDMissing', message: 'no CRD' }, []);
  m.thrashing('metallb');
  m.leading('ns/lease', true);
  m.renewed('ns/lease');
  m.queued();
  m.retried();
  m.waited(0.01);
  m.reconcileDuration.observe({ type: 'world' }, 0.05);
  m.apiRequests.inc({ verb: 'get' });
  m.watchedObjects = () => ({ nodes: 3 });
  return m.text();
}

describe('metrics lint', () => {
  let promtool: string;
  before(async () => {
    promtool = await ensureGoTool(GO_TOOLS.promtool);
  });

  it("the operator's scrape passes promtool check metrics", async () => {
    assert.deepEqual(promtoolProblems(promtool, await fullScrape()), []);
  });

  it("the operator's metrics follow the KubeVirt conventions (prefix, counter suffix, verbose help, snake_case labels)", async () => {
    const families = parseFamilies(await fullScrape());
    const own = families.filter((f) => f.name.startsWith('virt_platform_'));
    for (const name of [
      'virt_platform_build_info',
      'virt_platform_workqueue_depth',
      'virt_platform_workqueue_queue_duration_seconds',
      'virt_platform_leader_election_status',
      'virt_platform_leader_election_renewals_total',
    ]) {
      assert.ok(
        own.some((f) => f.name === name),
        `${name} is exported`,
      );
    }
    assert.deepEqual(kubevirtProblems(families), []);
    assert.deepEqual(own.find((f) => f.name === 'virt_platform_asset_failing')?.labels, new Set(['asset', 'reason']));
  });

  it('both linters catch bad names (so the checks above can fail)', async () => {
    const r = new client.Registry();
    new client.Counter({ name: 'assetWrites', help: 'writes', registers: [r] }).inc();
    new client.Gauge({ name: 'kubevirt_other_things_total', help: 'Some things that another operator counts', labelNames: ['assetName'], registers: [r] }).set(
      { assetName: 'x' },
      1,
    );
    const text = await r.metrics();
    const promtoolSays = promtoolProblems(promtool, text).join('\n');
    assert.match(promtoolSays, /assetWrites counter metrics should have "_total" suffix/);
    assert.match(promtoolSays, /kubevirt_other_things_total non-counter metrics should not have "_total" suffix/);
    const ours = kubevirtProblems(parseFamilies(text)).map((p) => `${p.metric}: ${p.text}`);
    assert.deepEqual(ours.sort(), [
      'assetWrites: counter metrics should have "_total" or "_timestamp_seconds" suffix',
      'assetWrites: help text is not verbose: "writes"',
      'assetWrites: name needs to start with "virt_platform_"',
      'kubevirt_other_things_total: label "assetName" is not snake_case',
      'kubevirt_other_things_total: name needs to start with "virt_platform_"',
    ]);
  });
});
