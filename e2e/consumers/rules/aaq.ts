// Application Aware Quota (kubevirt/application-aware-quota) and HCO's AAQ handler: who may
// create the AAQ resource. HCO deploys AAQ itself (controllers/handlers/aaq.go NewAAQ, named
// aaq-kubevirt-hyperconverged) with the cluster TLS profile, the KubeVirt priority class, the
// HyperConverged's node placement and its certificate rotation; the AAQ operator serves exactly
// one AAQ resource and puts any other into an error state.
import type { KubeObject } from '../../../operator/kube/types.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { findings } from './support.js';

export function validateAaq(obj: KubeObject, _ctx: ConsumerContext) {
  const f = findings('application-aware-quota', obj);
  f.check(
    false,
    'aaq-through-hco',
    'kubevirt/hyperconverged-cluster-operator controllers/handlers/aaq.go NewAAQHandler/NewAAQ; kubevirt/application-aware-quota pkg/aaq-operator/reconciler-hooks.go checkSanity',
    'a standalone AAQ misses what HCO sets (TLS profile, priority class, node placement, certificates) and, once the HyperConverged enables AAQ, one of the two is put in error ("unwanted AAQ object"): enable AAQ through spec.deployment.applicationAwareConfig.enable',
  );
  return f.list;
}

export const aaqRules: ConsumerRules = { consumer: 'application-aware-quota', kinds: ['AAQ'], validate: validateAaq };
