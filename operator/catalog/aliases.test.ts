import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { repoPath } from '../../scripts/repo.js';
import { ALLOWLIST_ALIASES, ANNOTATION_ALIASES, annotationValue } from './aliases.js';
import { loadCatalog } from './catalog.js';
import { activates, evaluateEligibility, parseActivation, unknownActivationEntries } from './eligibility.js';
import type { KubeObject } from '../vocabulary/object.js';

const catalog = loadCatalog(repoPath('assets'));
const hco = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'hco.kubevirt.io/v1',
  kind: 'HyperConverged',
  metadata: { name: 'h', namespace: 'n', annotations },
});
const asset = (name: string) => catalog.assets.find((a) => a.name === name)!;

describe('Go autopilot aliases', () => {
  it('every alias targets an asset, group or family of this catalog', () => {
    const known = new Set(catalog.assets.flatMap((a) => [a.name, a.family, a.group ?? '']));
    for (const [alias, targets] of Object.entries(ALLOWLIST_ALIASES)) {
      assert.ok(!known.has(alias), `${alias} is a name of this catalog already`);
      for (const t of targets) assert.ok(known.has(t), `${alias} -> ${t}`);
    }
    const keys = new Set(catalog.assets.flatMap((a) => a.conditions.flatMap((c) => (c.type === 'annotation' ? [c.key] : []))));
    for (const k of Object.keys(ANNOTATION_ALIASES)) assert.ok(keys.has(k), k);
  });

  it('allowlist aliases select the same assets (swap-enable: the swap group HCO acts on)', () => {
    const a = parseActivation(hco({ 'platform.kubevirt.io/autopilot': 'swap-enable, ksm-zero-only, vm-drain-shutdown-inhibitor, nhc-far' }))!;
    for (const n of ['swap-enable-worker', 'ksm-zero-pages-worker', 'ksm-zero-pages-master', 'vm-drain-worker', 'node-health-check'])
      assert.ok(activates(a, asset(n)), n);
    assert.ok(!activates(a, asset('thp-tuning-worker')));
    assert.deepEqual(unknownActivationEntries(a, catalog.assets), []);
    assert.deepEqual(unknownActivationEntries(parseActivation(hco({ 'platform.kubevirt.io/autopilot': 'ifo-vm-rules' }))!, catalog.assets), ['ifo-vm-rules']);
  });

  it("enable-* aliases satisfy the opt-in; this product's own key wins", () => {
    const facts = { hardware: {} as never, topology: { hasSchedulableMasters: false } as never, hasCrd: () => true };
    const on = hco({ 'platform.kubevirt.io/autopilot': 'true', 'platform.kubevirt.io/enable-vm-drain-shutdown-inhibitor': 'true' });
    assert.deepEqual(evaluateEligibility(asset('vm-drain-worker'), parseActivation(on), { ...facts, hco: on }), { eligible: true });
    const off = hco({
      'platform.kubevirt.io/autopilot': 'true',
      'platform.kubevirt.io/enable-korrel8r': 'true',
      'platform.kubevirt.io/enable-troubleshooting-panel': 'false',
    });
    assert.equal(evaluateEligibility(asset('troubleshooting-panel-ui-plugin'), parseActivation(off), { ...facts, hco: off }).eligible, false);
    assert.equal(annotationValue({ 'platform.kubevirt.io/enable-ksm-zero-only': 'true' }, 'platform.kubevirt.io/enable-ksm-zero-pages'), 'true');
    assert.equal(annotationValue({ __proto__: 'x' }, 'platform.kubevirt.io/enable-ksm-zero-pages'), undefined);
  });
});
