import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateNodeHealthCheck } from './node-healthcheck.js';
import { clone, ctx, farRef, farTemplate, nhc, rulesOf, snrRef } from './fixtures.js';

const escalating = () =>
  nhc({
    escalatingRemediations: [
      { order: 0, timeout: '300s', remediationTemplate: snrRef },
      { order: 1, timeout: '300s', remediationTemplate: farRef },
    ],
  });
const edit = (o = nhc(), f: (s: Record<string, unknown>) => void = () => undefined) => {
  const c = clone(o);
  f(c.spec as Record<string, unknown>);
  return c;
};

describe('consumer rules: NodeHealthCheck', () => {
  it('SNR alone, and SNR escalating to a complete FAR template, pass', () => {
    for (const v of ['4.17', '4.19', '4.21']) {
      assert.deepEqual(validateNodeHealthCheck(nhc(), ctx(v)), [], v);
      assert.deepEqual(validateNodeHealthCheck(escalating(), ctx(v, [farTemplate()])), [], v);
    }
  });

  it('escalating to a missing or rejected FAR template disables the NodeHealthCheck (RemediationTemplateNotFound)', () => {
    assert.deepEqual(rulesOf(validateNodeHealthCheck(escalating(), ctx('4.21', []))), ['remediation-template-found']);
    const sharedOnly = clone(farTemplate());
    delete (sharedOnly.spec as { template: { spec: Record<string, unknown> } }).template.spec.nodeparameters;
    const found = validateNodeHealthCheck(escalating(), ctx('4.21', [sharedOnly]));
    assert.deepEqual(rulesOf(found), ['remediation-template-found']);
    assert.match(found[0]!.message, /node-parameters-required.*Self Node Remediation included/);
    assert.deepEqual(validateNodeHealthCheck(escalating(), ctx('4.19', [sharedOnly])), [], 'FAR 0.6 accepts it');
  });

  it('each broken fixture is found', () => {
    const cases: [string, ReturnType<typeof nhc>][] = [
      ['selector-mandatory', edit(nhc(), (s) => (s.selector = {}))],
      ['selector-valid', edit(nhc(), (s) => (s.selector = { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }))],
      ['min-healthy-max-unhealthy', edit(nhc(), (s) => delete s.minHealthy)],
      ['min-healthy-max-unhealthy', edit(nhc(), (s) => (s.minHealthy = '150%'))],
      ['max-unhealthy-version', edit(nhc(), (s) => ((s.maxUnhealthy = 1), delete s.minHealthy))],
      ['unhealthy-conditions', edit(nhc(), (s) => (s.unhealthyConditions = [{ type: 'Ready', status: 'Maybe', duration: '5m' }]))],
      ['remediation-mandatory', edit(nhc(), (s) => delete s.remediationTemplate)],
      ['remediation-exclusive', edit(escalating(), (s) => (s.remediationTemplate = snrRef))],
      ['escalation-unique-order', edit(escalating(), (s) => ((s.escalatingRemediations as { order: number }[])[1]!.order = 0))],
      ['escalation-timeout', edit(escalating(), (s) => ((s.escalatingRemediations as { timeout: string }[])[0]!.timeout = '30s'))],
      [
        'escalation-unique-kind',
        edit(escalating(), (s) => ((s.escalatingRemediations as { remediationTemplate: unknown }[])[1]!.remediationTemplate = snrRef)),
      ],
      ['remediation-template-found', edit(nhc(), (s) => (s.remediationTemplate = { ...snrRef, namespace: undefined }))],
      ['remediation-template-found', edit(nhc(), (s) => (s.remediationTemplate = { ...snrRef, name: 'mine' }))],
    ];
    for (const [rule, o] of cases) assert.ok(rulesOf(validateNodeHealthCheck(o, ctx('4.19', [farTemplate()]))).includes(rule), rule);
    const max = edit(nhc(), (s) => ((s.maxUnhealthy = 1), delete s.minHealthy));
    assert.deepEqual(validateNodeHealthCheck(max, ctx('4.21')), [], 'maxUnhealthy from NHC 0.10');
  });
});
