// Kube Descheduler Operator (openshift/cluster-kube-descheduler-operator): what its
// TargetConfigReconciler (pkg/operator/target_config_reconciler.go, per release branch) accepts
// and what it makes of a KubeDescheduler. The operator turns the CR into a descheduler policy in
// code that needs listers, a Prometheus route and /proc/pressure, so the rules are encoded per
// release (4.17, 4.19, 4.21; the CRDs are in ../shared/crds/descheduler-versions).
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { atLeast, dig, findings, isRecord, show, spec } from './support.js';

const REPO = 'openshift/cluster-kube-descheduler-operator';
const src = (branch: string, fn: string): string => `${REPO} ${branch} pkg/operator/target_config_reconciler.go ${fn}`;

interface Release {
  branch: string;
  profiles: string[];
  customizations: string[];
  evictionLimits: string[];
  /** devActualUtilizationProfile values (utilizationProfileToPrometheusQuery), those with memory flagged. */
  utilization: Record<string, { memory: boolean }>;
  /** What the KubeVirt profile measures when devActualUtilizationProfile is unset. */
  kubevirtDefault?: string;
}

const BASE_PROFILES = [
  'AffinityAndTaints',
  'TopologyAndDuplicates',
  'LifecycleAndUtilization',
  'DevPreviewLongLifecycle',
  'LongLifecycle',
  'SoftTopologyAndDuplicates',
  'EvictPodsWithLocalStorage',
  'EvictPodsWithPVC',
  'CompactAndScale',
];
const BASE_CUSTOM = [
  'devEnableEvictionsInBackground',
  'devHighNodeUtilizationThresholds',
  'devLowNodeUtilizationThresholds',
  'namespaces',
  'podLifetime',
  'thresholdPriority',
  'thresholdPriorityClassName',
];
const UTIL_419 = {
  PrometheusCPUUsage: { memory: false },
  PrometheusCPUPSIPressure: { memory: false },
  PrometheusCPUPSIPressureByUtilization: { memory: false },
  PrometheusMemoryPSIPressure: { memory: true },
  PrometheusIOPSIPressure: { memory: false },
  PrometheusCPUCombined: { memory: false },
};

export const DESCHEDULER_RELEASES: Record<string, Release> = {
  '4.17': { branch: 'release-4.17', profiles: BASE_PROFILES, customizations: BASE_CUSTOM, evictionLimits: ['total'], utilization: {} },
  '4.19': {
    branch: 'release-4.19',
    profiles: [...BASE_PROFILES, 'DevKubeVirtRelieveAndMigrate'],
    customizations: [...BASE_CUSTOM, 'devActualUtilizationProfile', 'devDeviationThresholds', 'devEnableSoftTainter'],
    evictionLimits: ['total'],
    utilization: UTIL_419,
    kubevirtDefault: 'PrometheusCPUCombined',
  },
  '4.21': {
    branch: 'release-4.21',
    profiles: [...BASE_PROFILES, 'DevKubeVirtRelieveAndMigrate', 'KubeVirtRelieveAndMigrate'],
    customizations: [...BASE_CUSTOM, 'devActualUtilizationProfile', 'devDeviationThresholds', 'devEnableSoftTainter'],
    evictionLimits: ['total', 'node'],
    utilization: { ...UTIL_419, PrometheusCPUMemoryCombinedProfile: { memory: true } },
    kubevirtDefault: 'PrometheusCPUMemoryCombinedProfile',
  },
};

const KUBEVIRT = ['KubeVirtRelieveAndMigrate', 'DevKubeVirtRelieveAndMigrate'];
const LOW_NODE_UTILIZATION = ['LifecycleAndUtilization', 'LongLifecycle', 'DevPreviewLongLifecycle', ...KUBEVIRT];

/** Pairs checkProfileConflicts (4.17/4.19) and the CRD's CEL rules (4.21) refuse together. */
const CONFLICTS: [string, string][] = [
  ['DevPreviewLongLifecycle', 'LifecycleAndUtilization'],
  ['LongLifecycle', 'LifecycleAndUtilization'],
  ['SoftTopologyAndDuplicates', 'TopologyAndDuplicates'],
  ['CompactAndScale', 'LifecycleAndUtilization'],
  ['CompactAndScale', 'LongLifecycle'],
  ['CompactAndScale', 'DevPreviewLongLifecycle'],
  ['CompactAndScale', 'TopologyAndDuplicates'],
  ...KUBEVIRT.flatMap((k): [string, string][] => [
    ['DevPreviewLongLifecycle', k],
    ['LongLifecycle', k],
    ['LifecycleAndUtilization', k],
    ['CompactAndScale', k],
  ]),
  ['KubeVirtRelieveAndMigrate', 'DevKubeVirtRelieveAndMigrate'],
];

/** Which chosen profiles read a customization (the profile functions of target_config_reconciler.go). */
const READ_BY: Record<string, string[] | 'any'> = {
  devEnableEvictionsInBackground: 'any',
  namespaces: 'any',
  thresholdPriority: 'any',
  thresholdPriorityClassName: 'any',
  podLifetime: ['LifecycleAndUtilization'],
  devHighNodeUtilizationThresholds: ['CompactAndScale'],
  devLowNodeUtilizationThresholds: LOW_NODE_UTILIZATION,
  devDeviationThresholds: LOW_NODE_UTILIZATION,
  devActualUtilizationProfile: LOW_NODE_UTILIZATION,
  devEnableSoftTainter: [],
};

export function validateKubeDescheduler(obj: KubeObject, ctx: ConsumerContext) {
  const f = findings('kube-descheduler-operator', obj);
  const rel = DESCHEDULER_RELEASES[ctx.openshiftVersion] ?? DESCHEDULER_RELEASES[atLeast(ctx, '4.21') ? '4.21' : atLeast(ctx, '4.19') ? '4.19' : '4.17']!;
  const s = spec(obj);
  const profiles = Array.isArray(s.profiles) ? (s.profiles as unknown[]).map(String) : [];
  const custom = isRecord(s.profileCustomizations) ? s.profileCustomizations : {};

  f.check(
    obj.metadata?.name === 'cluster' && obj.metadata?.namespace === 'openshift-kube-descheduler-operator',
    'singleton',
    `${REPO} pkg/operator/operatorclient/interfaces.go OperatorConfigName/OperatorNamespace`,
    'the operator reads only KubeDescheduler openshift-kube-descheduler-operator/cluster',
  );
  f.check(profiles.length > 0, 'profiles', src(rel.branch, 'manageConfigMap'), '"descheduler should have at least 1 profile enabled"');
  for (const p of profiles)
    f.check(
      rel.profiles.includes(p),
      'profiles',
      src(rel.branch, 'manageConfigMap'),
      `profile ${p} is not known to the ${ctx.openshiftVersion} operator ("Profile not recognized")`,
    );
  f.check(
    new Set(profiles).size === profiles.length,
    'profile-conflicts',
    src(rel.branch, 'checkProfileConflicts / CRD x-kubernetes-validations'),
    'a profile is declared twice',
  );
  for (const [a, b] of CONFLICTS) {
    f.check(
      !(profiles.includes(a) && profiles.includes(b)),
      'profile-conflicts',
      src(rel.branch, 'checkProfileConflicts / CRD x-kubernetes-validations'),
      `cannot declare ${a} and ${b} profiles simultaneously`,
    );
  }

  const interval = s.deschedulingIntervalSeconds;
  f.check(
    typeof interval === 'number' && interval > 0,
    'interval',
    src(rel.branch, 'sync'),
    '"descheduler should have an interval set and it should be greater than 0"',
  );
  f.check(
    s.mode === undefined || s.mode === 'Automatic' || s.mode === 'Predictive',
    'mode',
    src(rel.branch, 'manageDeployment'),
    `mode ${JSON.stringify(s.mode)} not recognized`,
  );

  for (const key of Object.keys(custom)) {
    f.check(
      rel.customizations.includes(key),
      'customization-known',
      `${REPO} ${rel.branch} pkg/apis/descheduler/v1/types_descheduler.go ProfileCustomizations`,
      `profileCustomizations.${key} does not exist in ${ctx.openshiftVersion}: pruned, silently ignored`,
    );
    const readers = READ_BY[key];
    if (rel.customizations.includes(key) && readers !== undefined && readers !== 'any') {
      const message =
        readers.length === 0
          ? `profileCustomizations.${key} is deprecated and ignored`
          : `profileCustomizations.${key} is read only by ${readers.join('/')}, none of which is chosen: ignored`;
      f.check(
        readers.some((r) => profiles.includes(r)),
        'customization-applies',
        `${REPO} ${rel.branch} pkg/apis/descheduler/v1/types_descheduler.go; ${src(rel.branch, 'profile functions')}`,
        message,
      );
    }
  }
  f.check(
    !(custom.devLowNodeUtilizationThresholds !== undefined && custom.devDeviationThresholds !== undefined),
    'thresholds-exclusive',
    src(rel.branch, 'getLowNodeUtilizationThresholds / kubeVirtRelieveAndMigrateProfile'),
    '"only one of DevLowNodeUtilizationThresholds and DevDeviationThresholds customizations can be configured simultaneously"',
  );
  f.check(
    !(custom.thresholdPriority !== undefined && custom.thresholdPriorityClassName),
    'threshold-priority-exclusive',
    src(rel.branch, 'defaultEvictorOverrides'),
    'thresholdPriority and thresholdPriorityClassName together are invalid',
  );

  const util = custom.devActualUtilizationProfile;
  if (util !== undefined && util !== '') {
    const known = typeof util === 'string' && (util in rel.utilization || util.startsWith('query:'));
    f.check(
      known,
      'utilization-profile',
      src(rel.branch, 'utilizationProfileToPrometheusQuery'),
      `devActualUtilizationProfile ${JSON.stringify(util)}: "unknown prometheus profile"`,
    );
    const kubevirtDefault = rel.kubevirtDefault;
    if (known && kubevirtDefault && rel.utilization[kubevirtDefault]?.memory && profiles.some((p) => KUBEVIRT.includes(p))) {
      f.check(
        typeof util === 'string' && (util.startsWith('query:') || rel.utilization[util]?.memory === true),
        'utilization-memory-signal',
        src(rel.branch, 'kubeVirtRelieveAndMigrateProfile (defaultActualUtilizationProfile)'),
        `devActualUtilizationProfile ${util} replaces the operator's default ${kubevirtDefault} with a signal without memory, exactly where memory overcommit creates memory pressure`,
      );
    }
  }

  const limits = isRecord(s.evictionLimits) ? s.evictionLimits : {};
  for (const [k, v] of Object.entries(limits)) {
    f.check(
      rel.evictionLimits.includes(k),
      'eviction-limits',
      `${REPO} ${rel.branch} pkg/apis/descheduler/v1/types_descheduler.go EvictionLimits`,
      `evictionLimits.${k} does not exist in ${ctx.openshiftVersion}: pruned, silently ignored`,
    );
    f.check(
      typeof v === 'number' && Number.isInteger(v) && v > 0,
      'eviction-limits',
      src(rel.branch, 'setEvictionsLimits'),
      `evictionLimits.${k} ${JSON.stringify(v)} is not a positive count`,
    );
  }
  // A VM eviction is a live migration: more evictions in flight than KubeVirt migrates at once only queue.
  const hcoLimits: Record<string, unknown> = {
    total: dig(ctx.hco, 'spec.virtualization.liveMigrationConfig.parallelMigrationsPerCluster') ?? 5,
    node: dig(ctx.hco, 'spec.virtualization.liveMigrationConfig.parallelOutboundMigrationsPerNode') ?? 1,
  };
  if (profiles.some((p) => KUBEVIRT.includes(p))) {
    for (const k of ['total', 'node']) {
      const limit = limits[k];
      if (typeof limit === 'number') {
        f.check(
          limit <= Number(hcoLimits[k]),
          'eviction-limits-migrations',
          `${src(rel.branch, 'setEvictionsLimits (defaultKVParallel*)')}; kubevirt/hyperconverged-cluster-operator api/v1 LiveMigrationConfigurations`,
          `evictionLimits.${k} ${limit} exceeds what the HyperConverged lets KubeVirt migrate at once (${show(hcoLimits[k])})`,
        );
      }
    }
    const psi = ctx.objects.some(
      (o) => o.kind === 'MachineConfig' && Array.isArray(dig(o, 'spec.kernelArguments')) && (dig(o, 'spec.kernelArguments') as unknown[]).includes('psi=1'),
    );
    f.check(
      psi,
      'kubevirt-profile-psi',
      src(rel.branch, 'manageConfigMap (isPSIenabled)'),
      'a KubeVirt profile without PSI enabled on the nodes: "profile ... can only be used when PSI metrics are enabled" - the descheduler is scaled to 0',
    );
  }
  return f.list;
}

export const deschedulerRules: ConsumerRules = {
  consumer: 'kube-descheduler-operator',
  kinds: ['KubeDescheduler'],
  validate: validateKubeDescheduler,
};
