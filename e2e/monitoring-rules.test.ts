// The operator's alerts (assets/monitoring/prometheus-rule.yaml.hbs), rendered by the operator's
// own offline chain: `promtool check rules` and `promtool test rules` (e2e/monitoring/
// alerts.promtool.yaml, every alert covered), KubeVirt's alert conventions (kubevirt/monitoring
// monitoring-guidelines.md: runbook_url, severity critical|warning|info; the labels
// kubevirt/hyperconverged-cluster-operator controllers/alerts/alerts.go sets:
// operator_health_impact, kubernetes_operator_part_of=kubevirt, kubernetes_operator_component;
// summary and description), and a runbook named after each alert.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { ensureGoTool, GO_TOOLS } from '../envtest/go-tools.js';
import { repoPath } from '../scripts/repo.js';
import { loadCatalog } from '../operator/catalog/catalog.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { renderContext } from '../operator/render/context.js';
import { Renderer } from '../operator/render/renderer.js';
import { factsSatisfying, hcoSatisfying } from '../rbac-gen/collect.js';

interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function renderRule(operatorNamespace?: string): KubeObject & { spec: { groups: { name: string; rules: AlertRule[] }[] } } {
  const dir = repoPath('assets');
  const catalog = loadCatalog(dir);
  const asset = catalog.assets.find((a) => a.name === 'prometheus-rule')!;
  const facts = { ...factsSatisfying(asset, new Map()), operatorNamespace };
  return new Renderer(dir).render(asset, renderContext(hcoSatisfying(catalog, asset), facts, asset), facts) as ReturnType<typeof renderRule>;
}

describe("the operator's alerts", () => {
  let promtool: string;
  let work: string;
  const rule = renderRule();
  const alerts = rule.spec.groups.flatMap((g) => g.rules).filter((r) => r.alert);
  before(async () => {
    promtool = await ensureGoTool(GO_TOOLS.promtool);
    work = mkdtempSync(join(tmpdir(), 'vpo-rules-'));
    writeFileSync(join(work, 'rules.yaml'), yaml.dump({ groups: rule.spec.groups }, { lineWidth: -1 }));
    copyFileSync(repoPath('e2e', 'monitoring', 'alerts.promtool.yaml'), join(work, 'alerts.promtool.yaml'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const promtoolRun = (...args: string[]): { code: number | null; out: string } => {
    const r = spawnSync(promtool, args, { cwd: work, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('promtool check rules accepts the rendered rule', () => {
    const r = promtoolRun('check', 'rules', 'rules.yaml');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`SUCCESS: ${alerts.length} rules found`));
  });

  it('promtool test rules: every alert fires when it should and not before', () => {
    const r = promtoolRun('test', 'rules', 'alerts.promtool.yaml');
    assert.equal(r.code, 0, r.out);
    const tests = readFileSync(join(work, 'alerts.promtool.yaml'), 'utf8');
    for (const a of alerts) assert.match(tests, new RegExp(`alertname: ${a.alert}\\n`), `${a.alert} has promtool tests`);
  });

  it('promtool test rules fails when an alert changes (the test above can fail)', () => {
    const rules = yaml.load(readFileSync(join(work, 'rules.yaml'), 'utf8')) as { groups: { rules: AlertRule[] }[] };
    rules.groups[0]!.rules.find((r) => r.alert === 'VirtPlatformAssetNotCompliant')!.for = '30m';
    writeFileSync(join(work, 'rules.yaml'), yaml.dump(rules, { lineWidth: -1 }));
    try {
      const r = promtoolRun('test', 'rules', 'alerts.promtool.yaml');
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /VirtPlatformAssetNotCompliant/);
    } finally {
      writeFileSync(join(work, 'rules.yaml'), yaml.dump({ groups: rule.spec.groups }, { lineWidth: -1 }));
    }
  });

  it('every alert follows the KubeVirt alert conventions and links its runbook, docs/runbooks/<alert>.md', () => {
    assert.ok(alerts.length >= 6);
    for (const a of alerts) {
      const l = a.labels ?? {};
      const n = a.annotations ?? {};
      assert.ok(['critical', 'warning', 'info'].includes(l.severity ?? ''), `${a.alert}: severity`);
      assert.ok(['none', 'warning', 'critical'].includes(l.operator_health_impact ?? ''), `${a.alert}: operator_health_impact`);
      assert.equal(l.kubernetes_operator_part_of, 'kubevirt', a.alert);
      assert.equal(l.kubernetes_operator_component, 'virt-platform-operator', a.alert);
      assert.ok((n.summary ?? '').length > 20 && (n.description ?? '').length > 40, `${a.alert}: verbose summary and description`);
      assert.match(n.runbook_url ?? '', new RegExp(`/docs/runbooks/${a.alert}\\.md$`), `${a.alert}: runbook_url`);
      const runbook = repoPath('docs', 'runbooks', `${a.alert}.md`);
      assert.ok(existsSync(runbook), `${runbook} exists`);
      assert.equal(readFileSync(runbook, 'utf8').split('\n')[0], `# ${a.alert}`);
      assert.match(
        readFileSync(repoPath('docs', 'runbooks', 'README.md'), 'utf8'),
        new RegExp(`\\[${a.alert}\\.md\\]\\(${a.alert}\\.md\\)`),
        `${a.alert} listed in the runbooks README`,
      );
    }
  });

  it("the rule follows the operator's namespace", () => {
    const other = renderRule('vpo-elsewhere');
    assert.equal(other.metadata?.namespace, 'vpo-elsewhere');
    assert.match(other.spec.groups[0]!.rules[0]!.expr, /namespace="vpo-elsewhere"/);
  });
});
