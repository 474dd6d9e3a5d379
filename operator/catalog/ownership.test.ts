import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANNOTATIONS, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';
import { belongsTo, ownershipFor, recordedOwnership, stampOwnership } from './ownership.js';

const HCO: KubeObject = { kind: 'HyperConverged', metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv' } };
const obj = (labels: Record<string, string> = {}, annotations: Record<string, string> = {}): KubeObject => ({
  kind: 'ConfigMap',
  metadata: { name: 'x', namespace: 'n', labels, annotations },
});
const OURS = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };

describe('ownership', () => {
  it('created when nothing is live, adopted when the live object is not ours, else what it records', () => {
    assert.equal(ownershipFor(undefined), 'created');
    assert.equal(ownershipFor(obj()), 'adopted');
    assert.equal(ownershipFor(obj({}, { [ANNOTATIONS.ownership]: 'created' })), 'adopted', 'a marker without our label is not ours');
    assert.equal(ownershipFor(obj(OURS, { [ANNOTATIONS.ownership]: 'created' })), 'created');
    assert.equal(ownershipFor(obj(OURS, { [ANNOTATIONS.ownership]: 'adopted' })), 'adopted');
  });

  it('an object labelled before the marker existed (or with a marker edited to nonsense) counts as adopted: released, never deleted', () => {
    assert.equal(ownershipFor(obj(OURS)), 'adopted');
    assert.equal(ownershipFor(obj(OURS, { [ANNOTATIONS.ownership]: 'mine' })), 'adopted');
    assert.equal(recordedOwnership(obj(OURS, { [ANNOTATIONS.ownership]: 'mine' })), undefined);
  });

  it('stamps ownership, asset and source, keeping the template annotations', () => {
    const d = stampOwnership(obj(OURS, { keep: 'me' }), undefined, 'made', HCO);
    assert.deepEqual(d.metadata?.annotations, {
      keep: 'me',
      [ANNOTATIONS.ownership]: 'created',
      [ANNOTATIONS.asset]: 'made',
      [ANNOTATIONS.source]: 'openshift-cnv/kubevirt-hyperconverged',
    });
  });

  it('belongs to an asset only when ours, of that asset, from that HyperConverged', () => {
    const live = stampOwnership(obj(OURS), undefined, 'made', HCO);
    assert.ok(belongsTo(live, 'made', HCO));
    assert.ok(!belongsTo(live, 'other', HCO));
    assert.ok(!belongsTo(live, 'made', { ...HCO, metadata: { name: 'kubevirt-hyperconverged', namespace: 'elsewhere' } }), "another HCO's");
    assert.ok(!belongsTo({ ...live, metadata: { ...live.metadata, labels: {} } }, 'made', HCO), 'label removed: not ours');
  });
});
