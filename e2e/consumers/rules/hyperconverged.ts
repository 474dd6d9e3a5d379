// HyperConverged Cluster Operator (kubevirt/hyperconverged-cluster-operator): what HCO does with
// the HyperConverged the golden config writes. The product writes hco.kubevirt.io/v1, which only
// HCO >= 1.18 serves, so these rules are HCO 1.18+ rules on every OpenShift version of the matrix;
// fields are checked against release-1.18's v1 types (the oldest v1), so they exist in every HCO
// that serves v1. HCO's handlers need its whole controller runtime, so the rules are encoded.
import { ANNOTATIONS, enableAnnotation } from '../../../operator/vocabulary/annotations.js';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { dig, durationSeconds, findings, isRecord, objectsOf, oneOf, spec } from './support.js';

const REPO = 'kubevirt/hyperconverged-cluster-operator';
const V1_TYPES = `${REPO} release-1.18 api/v1/hyperconverged_types.go`;

/** json tags of the v1 structs the golden config writes into (release-1.18). */
const V1_FIELDS: Record<string, string[]> = {
  '': ['featureGates', 'virtualization', 'storage', 'networking', 'workloadSources', 'security', 'deployment'],
  deployment: ['nodePlacements', 'uninstallStrategy', 'logVerbosityConfig', 'applicationAwareConfig', 'deployVmConsoleProxy'],
  virtualization: [
    'tuningPolicy',
    'liveMigrationConfig',
    'permittedHostDevices',
    'mediatedDevicesConfiguration',
    'workloadUpdateStrategy',
    'obsoleteCPUModels',
    'evictionStrategy',
    'virtualMachineOptions',
    'higherWorkloadDensity',
    'liveUpdateConfiguration',
    'ksmConfiguration',
    'changedBlockTrackingLabelSelectors',
    'hypervisors',
    'roleAggregationStrategy',
    'vmiCPUAllocationRatio',
    'autoCPULimitNamespaceLabelSelector',
  ],
  workloadSources: [
    'commonTemplatesNamespace',
    'commonBootImageNamespace',
    'enableCommonBootImageImport',
    'dataImportCronTemplates',
    'instancetypeConfig',
    'commonInstancetypesDeployment',
  ],
  'deployment.applicationAwareConfig': ['enable', 'vmiCalcConfigName', 'namespaceSelector', 'allowApplicationAwareClusterResourceQuota'],
};

/** Where v1beta1's flat spec fields live in v1 (api/v1beta1/conversion.go). */
const V1BETA1_MOVED: Record<string, string> = {
  evictionStrategy: 'virtualization.evictionStrategy',
  liveMigrationConfig: 'virtualization.liveMigrationConfig',
  workloadUpdateStrategy: 'virtualization.workloadUpdateStrategy',
  higherWorkloadDensity: 'virtualization.higherWorkloadDensity',
  permittedHostDevices: 'virtualization.permittedHostDevices',
  uninstallStrategy: 'deployment.uninstallStrategy',
  applicationAwareConfig: 'deployment.applicationAwareConfig',
  enableApplicationAwareQuota: 'deployment.applicationAwareConfig.enable',
  infra: 'deployment.nodePlacements.infra',
  workloads: 'deployment.nodePlacements.workload',
  enableCommonBootImageImport: 'workloadSources.enableCommonBootImageImport',
  dataImportCronTemplates: 'workloadSources.dataImportCronTemplates',
  certConfig: 'security.certConfig',
  tlsSecurityProfile: 'security.tlsSecurityProfile',
};

const VMI_CALCULATORS = ['VmiPodUsage', 'VirtualResources', 'DedicatedVirtualResources', 'IgnoreVmiCalculator', 'GuestEffectiveResources'];

/** HCO's shouldDeployWaspAgent (controllers/handlers/wasp-agent/daemonset.go, release-1.18+). */
export function hcoDeploysWaspAgent(hco: KubeObject): boolean {
  const val = (hco.metadata?.annotations?.[ANNOTATIONS.autopilot] ?? '').trim();
  if (val === 'true') return false;
  if (val.split(',').some((n) => n.trim() === 'swap-enable')) return false;
  const pct = dig(hco, 'spec.virtualization.higherWorkloadDensity.memoryOvercommitPercentage');
  return typeof pct === 'number' && pct > 100;
}

export function validateHyperConverged(obj: KubeObject, ctx: ConsumerContext) {
  const f = findings('hyperconverged-cluster-operator', obj);
  const s = spec(obj);
  f.check(
    obj.apiVersion === 'hco.kubevirt.io/v1',
    'api-version',
    V1_TYPES,
    `apiVersion ${String(obj.apiVersion)}: the golden config is the v1 layout (the storage version)`,
  );

  for (const [path, allowed] of Object.entries(V1_FIELDS)) {
    const part = path ? dig(s, path) : s;
    if (!isRecord(part)) continue;
    for (const key of Object.keys(part)) {
      const moved = path === '' ? V1BETA1_MOVED[key] : undefined;
      f.check(
        allowed.includes(key),
        'v1-fields',
        moved ? `${REPO} api/v1beta1/conversion.go` : V1_TYPES,
        moved
          ? `spec.${key} is the v1beta1 layout; in v1 it is spec.${moved} (pruned and ignored here)`
          : `spec.${path ? path + '.' : ''}${key} is not a field of the v1 HyperConverged (HCO 1.18): pruned and ignored`,
      );
    }
  }

  const eviction = dig(s, 'virtualization.evictionStrategy');
  if (eviction !== undefined)
    f.check(
      oneOf(eviction, ['None', 'LiveMigrate', 'LiveMigrateIfPossible', 'External']),
      'eviction-strategy',
      V1_TYPES,
      `evictionStrategy ${JSON.stringify(eviction)} is not a KubeVirt eviction strategy`,
    );
  const ha = dig(obj, 'status.infrastructureHighlyAvailable') ?? dig(ctx.hco, 'status.infrastructureHighlyAvailable');
  f.check(
    !(ha === false && eviction === 'LiveMigrate'),
    'eviction-strategy-single-node',
    `${REPO} pkg/webhooks/mutator/hyperConvergedMutator.go mutateEvictionStrategy`,
    'evictionStrategy LiveMigrate on infrastructure that is not highly available: a drain waits forever for a migration with nowhere to go (HCO itself picks None there)',
  );
  const wus = dig(s, 'virtualization.workloadUpdateStrategy');
  if (isRecord(wus)) {
    const methods = Array.isArray(wus.workloadUpdateMethods) ? wus.workloadUpdateMethods : [];
    f.check(
      methods.every((m) => m === 'LiveMigrate' || m === 'Evict'),
      'workload-update-strategy',
      `${V1_TYPES} HyperConvergedWorkloadUpdateStrategy`,
      `workloadUpdateMethods ${JSON.stringify(methods)}: only LiveMigrate and Evict exist`,
    );
    if (wus.batchEvictionSize !== undefined)
      f.check(
        Number.isInteger(wus.batchEvictionSize) && Number(wus.batchEvictionSize) > 0,
        'workload-update-strategy',
        `${V1_TYPES} HyperConvergedWorkloadUpdateStrategy`,
        'batchEvictionSize must be a positive count',
      );
    if (wus.batchEvictionInterval !== undefined)
      f.check(
        durationSeconds(wus.batchEvictionInterval) > 0,
        'workload-update-strategy',
        `${V1_TYPES} HyperConvergedWorkloadUpdateStrategy`,
        'batchEvictionInterval must be a positive duration',
      );
  }
  const uninstall = dig(s, 'deployment.uninstallStrategy');
  if (uninstall !== undefined)
    f.check(
      oneOf(uninstall, ['RemoveWorkloads', 'BlockUninstallIfWorkloadsExist']),
      'uninstall-strategy',
      V1_TYPES,
      `uninstallStrategy ${JSON.stringify(uninstall)} is not known`,
    );

  // AAQ: HCO deploys it when spec.deployment.applicationAwareConfig.enable (NewAAQHandler); the
  // product's enable-aaq opt-in means exactly that.
  const aaq = dig(s, 'deployment.applicationAwareConfig');
  if (isRecord(aaq) && aaq.vmiCalcConfigName !== undefined)
    f.check(
      oneOf(aaq.vmiCalcConfigName, VMI_CALCULATORS),
      'aaq-config',
      V1_TYPES,
      `vmiCalcConfigName ${JSON.stringify(aaq.vmiCalcConfigName)} is not an AAQ calculator`,
    );
  // ctx.hco is the HyperConverged as the golden config leaves it (annotations and admin fields included).
  if (ctx.hco.metadata?.annotations?.[enableAnnotation('aaq')] === 'true') {
    f.check(
      dig(ctx.hco, 'spec.deployment.applicationAwareConfig.enable') === true,
      'aaq-opt-in',
      `${REPO} controllers/handlers/aaq.go NewAAQHandler`,
      'platform.kubevirt.io/enable-aaq is "true" but spec.deployment.applicationAwareConfig.enable is not: HCO does not deploy AAQ',
    );
  }

  // Swap: HCO 1.18+ leaves swap to the platform autopilot (no wasp-agent) when the autopilot is
  // "true" or lists swap-enable; then the platform must give swap to VM pods itself.
  const pct = dig(ctx.hco, 'spec.virtualization.higherWorkloadDensity.memoryOvercommitPercentage');
  // Before 4.21 no supported mechanism gives swap to pods without wasp-agent: the platform cannot
  // provide it there and says so (the swap asset's not-applicable reason), so only 4.21+ is judged.
  if (typeof pct === 'number' && pct > 100 && !hcoDeploysWaspAgent(ctx.hco) && atLeast(ctx.openshiftVersion, '4.21')) {
    const swap = objectsOf(ctx, 'MachineConfig').some((o) => /swap/.test(o.metadata?.name ?? ''));
    f.check(
      swap,
      'wasp-agent-swap',
      `${REPO} release-1.18 controllers/handlers/wasp-agent/daemonset.go shouldDeployWaspAgent`,
      `memoryOvercommitPercentage ${pct} under autopilot: HCO deploys no wasp-agent and nothing of the platform provides swap`,
    );
  }
  return f.list;
}

const atLeast = (v: string, min: string): boolean => {
  const [a = 0, b = 0] = v.split('.').map(Number);
  const [c = 0, d = 0] = min.split('.').map(Number);
  return a > c || (a === c && b >= d);
};

export const hyperConvergedRules: ConsumerRules = {
  consumer: 'hyperconverged-cluster-operator',
  kinds: ['HyperConverged'],
  validate: validateHyperConverged,
};
