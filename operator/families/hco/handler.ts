// The hco family: the HyperConverged golden config. Its dual role: it is a managed object like any
// other (reconcile order 0), and the configuration source — after it ran, later assets render from
// the HCO as it is now (read back from the cache on a cluster; offline, as the golden config would
// leave it: chain/offline/ssa-approximation.ts).
import { renderedObject } from '../../chain/evaluate-catalog.js';
import { approximateApply } from '../../chain/offline/ssa-approximation.js';
import type { KubeObject } from '../../vocabulary/object.js';
import type { FamilyHandler } from '../family-handler.js';

export const hcoFamily: FamilyHandler = {
  name: 'hco',
  kinds: [],
  sourceAfter(current, outcome, readBack) {
    if (readBack) return readBack() ?? current;
    const desired = renderedObject(outcome);
    return desired ? (approximateApply(current, desired) as KubeObject) : current;
  },
};
