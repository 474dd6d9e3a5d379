import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANNOTATIONS, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import { isOperatorManager, releasePatch } from './prune-requests.js';

describe('releasePatch', () => {
  const live = {
    kind: 'ConfigMap',
    metadata: {
      name: 'x',
      resourceVersion: '42',
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, app: 'keep' },
      annotations: { [ANNOTATIONS.ownership]: 'adopted', [ANNOTATIONS.asset]: 'a', [ANNOTATIONS.source]: 'ns/hco', user: 'keep' },
      managedFields: [
        { manager: 'virt-platform-operator', operation: 'Apply' },
        { manager: 'virt-platform-operator-pause', operation: 'Update' },
        { manager: 'kubectl', operation: 'Update' },
      ],
    },
  };

  it("drops the operator's label, annotations and managedFields entries, conditioned on the resourceVersion", () => {
    assert.deepEqual(releasePatch(live), {
      metadata: {
        resourceVersion: '42',
        labels: { [MANAGED_BY_LABEL]: null },
        annotations: { [ANNOTATIONS.ownership]: null, [ANNOTATIONS.asset]: null, [ANNOTATIONS.source]: null },
        managedFields: [{ manager: 'kubectl', operation: 'Update' }],
      },
    });
  });

  it('clears the list with one empty entry when only the operator managed it (an empty list would mean "unchanged")', () => {
    const ours = { metadata: { ...live.metadata, managedFields: [live.metadata.managedFields[0]!] } };
    assert.deepEqual((releasePatch(ours).metadata as { managedFields: unknown }).managedFields, [{}]);
  });

  it("knows the operator's managers and no one else's", () => {
    assert.ok(isOperatorManager('virt-platform-operator'));
    assert.ok(isOperatorManager('virt-platform-operator-release'));
    assert.ok(!isOperatorManager('virt-platform-operatorx'));
    assert.ok(!isOperatorManager('kubectl'));
    assert.ok(!isOperatorManager(undefined));
  });
});
