// Migration Toolkit for Virtualization (kubev2v/forklift): its Ansible operator
// (operator/roles/forkliftcontroller) reconciles a ForkliftController in the namespace it watches
// and reads the feature_* variables with Ansible's |bool filter. Encoded: the role is Ansible.
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { findings, spec } from './support.js';

const REPO = 'kubev2v/forklift';

export function validateForkliftController(obj: KubeObject, _ctx: ConsumerContext) {
  const f = findings('forklift-operator', obj);
  const s = spec(obj);
  f.check(
    obj.metadata?.namespace === 'openshift-mtv',
    'watched-namespace',
    `${REPO} operator/config/manager/manager.yaml (WATCH_NAMESPACE = olm.targetNamespaces); operator/watches.yaml`,
    `a ForkliftController in ${String(obj.metadata?.namespace)} is not reconciled: MTV watches openshift-mtv`,
  );
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('feature_')) {
      f.check(
        v === 'true' || v === 'false',
        'feature-flags',
        `${REPO} operator/config/crd/bases/forklift.konveyor.io_forkliftcontrollers.yaml (enum "true"/"false"); operator/roles/forkliftcontroller/tasks/main.yml (|bool)`,
        `${k}: ${JSON.stringify(v)} must be the string "true" or "false"`,
      );
    }
  }
  const inflight = s.controller_max_vm_inflight;
  if (inflight !== undefined)
    f.check(
      Number.isInteger(inflight) && Number(inflight) >= 1,
      'max-vm-inflight',
      `${REPO} operator/config/crd/bases/forklift.konveyor.io_forkliftcontrollers.yaml (minimum 1)`,
      `controller_max_vm_inflight ${JSON.stringify(inflight)} must be a count of at least 1`,
    );
  return f.list;
}

export const forkliftRules: ConsumerRules = { consumer: 'forklift-operator', kinds: ['ForkliftController'], validate: validateForkliftController };
