// Storage-Based Remediation (medik8s/storage-based-remediation) judging its config: the admission
// webhook's rules, detection-only mode for this product (it never lets SBR reboot nodes itself),
// and the NodeHealthCheck pairing (the agent's node condition is remediated only if an NHC
// watches it).
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { dig, findings, objectsOf, show, spec } from './support.js';

const REPO = 'medik8s/storage-based-remediation';

export function validateSbrConfig(obj: KubeObject, ctx: ConsumerContext) {
  const f = findings('storage-based-remediation', obj);
  const s = spec(obj);
  const sc = s.sharedStorageClass;
  const scOk = typeof sc === 'string' && sc.length > 0 && sc.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(sc);
  f.check(
    scOk,
    'shared-storage-class',
    `${REPO} api/v1alpha1/storagebasedremediationconfig_types.go ValidateSharedStorageClass`,
    `sharedStorageClass ${show(sc)}: lowercase letters, digits, "-" and ".", alphanumeric at both ends (and set: without shared storage nothing is detected)`,
  );
  f.check(
    s.detectOnlyMode === 'Enabled',
    'detect-only',
    `${REPO} api/v1alpha1/storagebasedremediationconfig_types.go DetectOnlyMode`,
    `detectOnlyMode ${show(s.detectOnlyMode)}: this product runs SBR in detection mode only`,
  );
  const mcf = s.maxConsecutiveFailures;
  if (mcf !== undefined)
    f.check(
      Number.isInteger(mcf) && (mcf as number) >= 2 && (mcf as number) <= 32,
      'max-failures',
      `${REPO} api/v1alpha1/storagebasedremediationconfig_types.go MaxConsecutiveFailures (2-32)`,
      `maxConsecutiveFailures ${show(mcf)} out of range`,
    );
  const watched = objectsOf(ctx, 'NodeHealthCheck').some((n) => {
    const conds = dig(n, 'spec.unhealthyConditions');
    return Array.isArray(conds) && conds.some((c) => dig(c, 'type') === 'SBRStorageUnhealthy' && dig(c, 'status') === 'True');
  });
  f.check(
    watched,
    'nhc-pairing',
    `${REPO} (the agent sets SBRStorageUnhealthy; detection mode remediates nothing itself)`,
    'no NodeHealthCheck rendered with it remediates SBRStorageUnhealthy: detection would change nothing',
  );
  return f.list;
}

export const sbrRules: ConsumerRules = { consumer: 'storage-based-remediation', kinds: ['StorageBasedRemediationConfig'], validate: validateSbrConfig };
