// The descheduler family: the KubeDescheduler for VMs. Its policy: the best VM-aware profile the
// INSTALLED Kube Descheduler Operator offers (the CRD's spec.profiles enum), given to its template
// as {{family.profile}} ("" when none: the template renders nothing); skip quietly while the
// operator is not installed. The PSI kernel argument the load-aware profile reads is coupled to it:
// the machine-config family renders it only once deschedulerInstalled (see its handler).
import type { ClusterFacts } from '../../render/context.js';
import type { FamilyHandler } from '../family-handler.js';
import { operatorInstalled } from '../shared/operator-installed.js';

export const DESCHEDULER_CRD = 'kubedeschedulers.operator.openshift.io';
export const DESCHEDULER_NAMESPACE = 'openshift-kube-descheduler-operator';
/** In the order KubeVirt documents them: the GA load-aware profile, its dev preview, then LongLifecycle. */
export const PROFILES = ['KubeVirtRelieveAndMigrate', 'DevKubeVirtRelieveAndMigrate', 'LongLifecycle'] as const;

/** Whether the Kube Descheduler Operator is installed (its CRD and its namespace). */
export function deschedulerInstalled(facts: ClusterFacts): boolean {
  return facts.hasCrd(DESCHEDULER_CRD) && facts.objectExists('Namespace', '', DESCHEDULER_NAMESPACE);
}

/** The best profile the installed CRD offers, or "". */
export function bestProfile(facts: ClusterFacts): string {
  const crd = facts.crd(DESCHEDULER_CRD);
  const offered = (crd && crd.enums[crd.storageVersion]?.['spec.profiles']) ?? [];
  return PROFILES.find((p) => offered.includes(p)) ?? '';
}

export const deschedulerFamily: FamilyHandler = {
  name: 'descheduler',
  kinds: [],
  context: (_hco, facts) => ({ profile: bestProfile(facts) }),
  admit: operatorInstalled,
};
