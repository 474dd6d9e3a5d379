// The machine-config family: MachineConfigs and KubeletConfigs, which the Machine Config Operator
// rolls out by draining and rebooting every node of a pool. Its policy: watch MachineConfigPools
// (a small projection), gate each node-disrupting write on the pools it lands on and on the HCO's
// node-disruption window, batch a pool's pending changes into one pass (one rollout), and preview
// per pool what would reboot.
import { deschedulerInstalled } from '../descheduler/handler.js';
import type { FamilyHandler } from '../family-handler.js';
import type { ObservedKind } from '../../watch/observed-kinds.js';
import { projectPool, type PoolProjection } from './pool.js';
import { MCO_GROUP } from './pools-of.js';
import { defaultPools, rebootPreview } from './preview.js';
import { RolloutGate } from './rollout-gate.js';
import { windowProblem } from './window-annotation.js';

export const POOLS: ObservedKind<PoolProjection> = {
  name: 'machineconfigpools',
  crd: `machineconfigpools.${MCO_GROUP}`,
  group: MCO_GROUP,
  version: 'v1',
  kind: 'MachineConfigPool',
  plural: 'machineconfigpools',
  project: projectPool,
};

export const machineConfigFamily: FamilyHandler = {
  name: 'machine-config',
  kinds: [],
  observes: [POOLS],
  // The PSI kernel argument only once the descheduler that reads it is installed (psi.yaml.hbs).
  context: (_hco, facts) => ({ deschedulerInstalled: deschedulerInstalled(facts) }),
  hcoAnnotationProblems: (hco) => {
    const problem = windowProblem(hco);
    return problem ? [problem] : [];
  },
  runtime(deps) {
    const pools = () => deps.observed<PoolProjection>(POOLS.name);
    const gate = new RolloutGate({
      // Without the MachineConfigPool CRD there are no pools: nothing to wait for.
      pools: { synced: () => !pools().installed || pools().synced, list: () => pools().list() },
      now: () => deps.now(),
      settleTimeoutMs: deps.settleTimeoutMs,
    });
    return {
      beforeApply: { check: (run) => Promise.resolve(gate.check(run)), wrote: (run, o) => gate.wrote(run, o) },
      beginPass: () => gate.beginPass(),
      endPass: () => gate.endPass(),
    };
  },
  preview(evals, input) {
    const view = input.observed?.<PoolProjection>(POOLS.name);
    if (view?.installed) return rebootPreview(evals, view.list());
    return rebootPreview(evals, defaultPools(input.facts.topology), input.facts.topology.nodes > 0);
  },
};
