import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Asset } from '../catalog/catalog.js';
import { stampOwnership } from '../catalog/ownership.js';
import { ANNOTATIONS, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import type { LiveCache, ManagedLookup } from '../vocabulary/live-cache.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { ResourceRef } from '../vocabulary/resource.js';
import { offlineFacts } from '../watch/offline-cluster.js';
import { HoldDown } from './hold-down.js';
import type { Outcome } from './outcome.js';
import { pruneStep, type PruneTarget } from './prune-step.js';
import { newRun } from './run.js';

const CM: ResourceRef = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
const HCO: KubeObject = { kind: 'HyperConverged', metadata: { name: 'h', namespace: 'ns', annotations: { [ANNOTATIONS.autopilot]: 'true' } } };
const ASSET: Asset = {
  name: 'a',
  path: 'x',
  kind: 'ConfigMap',
  reconcileOrder: 1,
  install: 'always',
  family: 'f',
  templateParams: {},
  conditions: [],
  description: '',
};
const live = (ownership: 'created' | 'adopted', extra: Record<string, string> = {}): KubeObject => {
  const o = stampOwnership(
    { kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } },
    undefined,
    'a',
    HCO,
  );
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata?.annotations, [ANNOTATIONS.ownership]: ownership, ...extra } } };
};

function harness(opts: { objects?: KubeObject[]; synced?: boolean; ready?: boolean; now?: () => number; held?: Outcome } = {}) {
  const pruned: PruneTarget[] = [];
  const cache: LiveCache = {
    read: () => ({ synced: true, object: undefined }),
    wrote: () => undefined,
    managed: (): ManagedLookup =>
      opts.synced === false ? { synced: false } : { synced: true, objects: (opts.objects ?? []).map((object) => ({ resource: CM, object })) },
  };
  const step = pruneStep({
    cache,
    ready: () => opts.ready ?? true,
    holdDown: new HoldDown(60_000, opts.now ?? (() => 0)),
    unknownActivation: (a) => [...a.names].filter((n) => n.startsWith('typo')),
    policies: () => ({ beforeApply: { check: () => Promise.resolve(opts.held) } }),
    end: (t) => {
      pruned.push(t);
      return Promise.resolve({ status: t.ownership === 'created' ? 'removed' : 'released', message: 'done' });
    },
  });
  const run = (o: Outcome, hco = HCO) => step(newRun(ASSET, hco, offlineFacts({})), () => Promise.resolve(o));
  return { pruned, run };
}

const DECIDED: Outcome = { status: 'skipped', message: 'off', off: { reason: 'opt-in removed', holdDown: false } };
const FACT: Outcome = { status: 'skipped', message: 'off', off: { reason: 'no node shows pciDevicesPresent', holdDown: true } };

describe('pruneStep', () => {
  it('removes what it created and releases what it adopted on a decided off', async () => {
    const h = harness({ objects: [live('created')] });
    assert.equal((await h.run(DECIDED)).status, 'removed');
    const g = harness({ objects: [live('adopted')] });
    assert.equal((await g.run(DECIDED)).status, 'released');
  });

  it('never on uncertainty: no off reason, caches unsynced, the kind unsynced, the HCO going away', async () => {
    const skipped: Outcome = { status: 'skipped', message: 'idle' };
    for (const [h, o] of [
      [harness({ objects: [live('created')] }), skipped],
      [harness({ objects: [live('created')], ready: false }), DECIDED],
      [harness({ objects: [live('created')], synced: false }), DECIDED],
    ] as const) {
      assert.equal((await h.run(o)).status, 'skipped');
      assert.equal(h.pruned.length, 0);
    }
    const h = harness({ objects: [live('created')] });
    await h.run(DECIDED, { ...HCO, metadata: { ...HCO.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
    assert.equal(h.pruned.length, 0);
  });

  it('the autopilot list not naming the asset prunes, unless the list names something unknown (a typo)', async () => {
    const byList: Outcome = { status: 'skipped', message: 'off', off: { reason: 'not in the list', holdDown: false, allowlist: true } };
    const typo = harness({ objects: [live('created')] });
    const o = await typo.run(byList, { ...HCO, metadata: { ...HCO.metadata, annotations: { [ANNOTATIONS.autopilot]: 'b,typo-a' } } });
    assert.equal(o.status, 'skipped');
    assert.match(o.message, /ConfigMap ns\/c is not removed while platform\.kubevirt\.io\/autopilot names what no asset is \(typo-a\)/);
    assert.equal(typo.pruned.length, 0);
    const fixed = harness({ objects: [live('created')] });
    assert.equal((await fixed.run(byList, { ...HCO, metadata: { ...HCO.metadata, annotations: { [ANNOTATIONS.autopilot]: 'b' } } })).status, 'removed');
  });

  it('leaves unmanaged, paused, deleting and foreign objects alone', async () => {
    const other = stampOwnership(live('created'), undefined, 'other-asset', HCO);
    const h = harness({
      objects: [live('created', { [ANNOTATIONS.mode]: 'unmanaged' }), live('created', { [ANNOTATIONS.reconcilePaused]: 'true' }), other],
    });
    assert.equal((await h.run(DECIDED)).status, 'skipped');
    assert.equal(h.pruned.length, 0);
  });

  it('a fact-based off waits for the hold-down, and a break starts it again', async () => {
    let now = 0;
    const h = harness({ objects: [live('created')], now: () => now });
    const first = await h.run(FACT);
    assert.equal(first.status, 'held');
    assert.match(first.message, /^would remove ConfigMap ns\/c once this has held for the hold-down \(1m left\): no node shows pciDevicesPresent/);
    now = 50_000;
    assert.equal((await h.run(FACT)).status, 'held');
    await h.run({ status: 'in-sync', message: 'back' }); // the label came back
    now = 70_000;
    assert.equal((await h.run(FACT)).status, 'held', 'the wait started again');
    now = 130_000;
    assert.equal((await h.run(FACT)).status, 'removed');
  });

  it("a removal goes through the family's gate; a release does not (it changes nothing a node reads)", async () => {
    const held: Outcome = { status: 'held', reason: 'RolloutHeld', message: 'held: pool worker is Updating' };
    const h = harness({ objects: [live('created')], held });
    const o = await h.run(DECIDED);
    assert.equal(o.status, 'held');
    assert.equal(o.message, 'removal of ConfigMap ns/c held: pool worker is Updating');
    assert.equal(h.pruned.length, 0);
    const g = harness({ objects: [live('adopted')], held });
    assert.equal((await g.run(DECIDED)).status, 'released');
  });
});
