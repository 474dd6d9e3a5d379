// The remediation family: NodeHealthCheck, the remediation templates, NodeMaintenance. Its policy:
// skip quietly while the target operator is not installed, and make no NodeHealthCheck on a cluster
// whose selected nodes are too few for minHealthy to ever allow a remediation (min-healthy.ts).
import type { FamilyHandler } from '../family-handler.js';
import { operatorInstalled } from '../shared/operator-installed.js';
import { cannotRemediate } from './min-healthy.js';

export const remediationFamily: FamilyHandler = {
  name: 'remediation',
  kinds: [],
  admit: operatorInstalled,
  runtime(deps) {
    return {
      beforeApply: {
        check(run) {
          if (run.desired.kind !== 'NodeHealthCheck') return Promise.resolve(undefined);
          const why = cannotRemediate(run.desired.spec as Parameters<typeof cannotRemediate>[0], deps.nodes());
          return Promise.resolve(why ? { status: 'skipped', reason: 'AssetSkipped', message: why } : undefined);
        },
      },
    };
  },
};
