// MetalLB operator (metallb/metallb-operator): its reconciler only acts on the MetalLB named
// metallb, and its validating webhook (api/v1beta1/metallb_webhook.go Validate) checks the rest.
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { findings, isRecord, oneOf, spec } from './support.js';

const REPO = 'metallb/metallb-operator';

function tolerationsOk(list: unknown): boolean {
  return (
    !Array.isArray(list) || list.every((t) => !isRecord(t) || !(typeof t.tolerationSeconds === 'number' && t.tolerationSeconds > 0 && t.effect !== 'NoExecute'))
  );
}

export function validateMetalLB(obj: KubeObject, _ctx: ConsumerContext) {
  const f = findings('metallb-operator', obj);
  const s = spec(obj);
  f.check(
    obj.metadata?.name === 'metallb',
    'name',
    `${REPO} controllers/metallb_controller.go Reconcile (defaultMetalLBCrName)`,
    `MetalLB "${String(obj.metadata?.name)}" is refused: "Incorrect MetalLB resource name" (Degraded)`,
  );
  f.check(
    obj.metadata?.namespace === 'metallb-system',
    'namespace',
    `${REPO} controllers/metallb_controller.go (operator namespace metallb-system on OpenShift)`,
    'the operator only reconciles MetalLB in its own namespace',
  );
  if (s.logLevel !== undefined)
    f.check(
      oneOf(s.logLevel, ['all', 'debug', 'info', 'warn', 'error', 'none']),
      'log-level',
      `${REPO} api/v1beta1/metallb_types.go MetalLBLogLevel`,
      `logLevel ${JSON.stringify(s.logLevel)} is not known`,
    );
  f.check(
    tolerationsOk(s.speakerTolerations) && tolerationsOk(s.controllerTolerations),
    'tolerations',
    `${REPO} api/v1beta1/metallb_webhook.go Validate`,
    'a toleration with tolerationSeconds must have effect NoExecute',
  );
  if (s.bgpBackend !== undefined)
    f.check(
      oneOf(s.bgpBackend, ['native', 'frr', 'frr-k8s', 'frr-k8s-external']),
      'bgp-backend',
      `${REPO} api/v1beta1/metallb_webhook.go Validate`,
      '"invalid BGP Backend, must be one of native, frr, frr-k8s, frr-k8s-external"',
    );
  return f.list;
}

export const metallbRules: ConsumerRules = { consumer: 'metallb-operator', kinds: ['MetalLB'], validate: validateMetalLB };
