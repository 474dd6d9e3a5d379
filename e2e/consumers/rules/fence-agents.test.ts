import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateFenceAgentsTemplate } from './fence-agents.js';
import { clone, ctx, farTemplate, rulesOf } from './fixtures.js';

type Spec = Record<string, unknown> & { sharedparameters: Record<string, string>; nodeparameters?: Record<string, Record<string, string>> };
const broken = (edit: (s: Spec) => void) => {
  const o = clone(farTemplate());
  edit((o.spec as { template: { spec: Spec } }).template.spec);
  return o;
};

describe('consumer rules: Fence Agents Remediation template', () => {
  it('a complete template passes on every version', () => {
    for (const v of ['4.17', '4.19', '4.21']) assert.deepEqual(validateFenceAgentsTemplate(farTemplate(), ctx(v)), [], v);
  });

  it('FAR >= 0.7 (4.21) rejects only shared parameters; older FAR accepts them; a {{.NodeName}} template counts', () => {
    const shared = broken((s) => delete s.nodeparameters);
    assert.deepEqual(rulesOf(validateFenceAgentsTemplate(shared, ctx('4.21'))), ['node-parameters-required']);
    assert.deepEqual(validateFenceAgentsTemplate(shared, ctx('4.19')), []);
    const templated = broken((s) => {
      delete s.nodeparameters;
      s.sharedparameters['--ip'] = '{{.NodeName}}-bmc.example.com';
    });
    assert.deepEqual(validateFenceAgentsTemplate(templated, ctx('4.21')), []);
  });

  it('each broken fixture is found', () => {
    const cases: [string, (s: Spec) => void][] = [
      ['agent-installed', (s) => (s.agent = 'fence_nonexistent')],
      ['remediation-strategy', (s) => (s.remediationStrategy = 'Reboot')],
      ['action', (s) => (s.sharedparameters['--action'] = 'on')],
      ['shared-parameter-template', (s) => (s.sharedparameters['--ip'] = '{{.Node}}')],
      ['parameter-name', (s) => (s.nodeparameters = { ip: { 'worker-0': '1.2.3.4' } })],
      ['node-name', (s) => (s.nodeparameters = { '--ip': { 'Worker 0': '1.2.3.4' } })],
      ['durations', (s) => (s.timeout = '60')],
    ];
    for (const [rule, edit] of cases) assert.ok(rulesOf(validateFenceAgentsTemplate(broken(edit), ctx('4.21'))).includes(rule), rule);
  });
});
