// Cluster Observability Operator (rhobs/observability-operator): the UIPlugin CRD's CEL rules
// (pkg/apis/uiplugin/v1alpha1/types.go) and the monitoring plugin's controller
// (pkg/controllers/uiplugin/monitoring.go, compatibility_matrix.go), which decide which features
// a Monitoring plugin gets on a given OpenShift version.
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { atLeast, dig, findings, objectsOf, show, spec } from './support.js';

const REPO = 'rhobs/observability-operator';
const NAMES: Record<string, string> = {
  Monitoring: 'monitoring',
  Logging: 'logging',
  TroubleshootingPanel: 'troubleshooting-panel',
  DistributedTracing: 'distributed-tracing',
};

export function validateUIPlugin(obj: KubeObject, ctx: ConsumerContext) {
  const f = findings('observability-operator', obj);
  const s = spec(obj);
  const type = String(s.type);
  f.check(type in NAMES, 'type', `${REPO} pkg/apis/uiplugin/v1alpha1/types.go UIPluginType`, `type ${JSON.stringify(s.type)} is not a UIPlugin type`);
  if (type in NAMES)
    f.check(
      obj.metadata?.name === NAMES[type],
      'name-for-type',
      `${REPO} pkg/apis/uiplugin/v1alpha1/types.go (XValidation)`,
      `UIPlugin name must be '${NAMES[type]}' if type is ${type}`,
    );
  if (type === 'TroubleshootingPanel') {
    f.check(
      atLeast(ctx, '4.19'),
      'cluster-version',
      `${REPO} pkg/controllers/uiplugin/compatibility_matrix.go (TroubleshootingPanel: v4.19+)`,
      'the troubleshooting panel is not deployed before OpenShift 4.19',
    );
  }
  if (type === 'Logging') {
    const name = dig(s, 'logging.lokiStack.name');
    const ns = dig(s, 'logging.lokiStack.namespace') ?? 'openshift-logging';
    f.check(
      objectsOf(ctx, 'LokiStack').some((l) => l.metadata?.name === name && l.metadata?.namespace === ns),
      'logging-lokistack',
      `${REPO} pkg/apis/uiplugin/v1alpha1/types.go LoggingConfig.LokiStack; pkg/controllers/uiplugin/logging.go`,
      `the Logging plugin reads LokiStack ${show(ns)}/${show(name)}, which is not rendered with it`,
    );
  }
  if (type !== 'Monitoring') return f.list;
  f.check(atLeast(ctx, '4.15'), 'cluster-version', `${REPO} pkg/controllers/uiplugin/compatibility_matrix.go`, 'the monitoring plugin needs OpenShift 4.15+');
  const features = {
    perses: dig(s, 'monitoring.perses.enabled') === true,
    acm: dig(s, 'monitoring.acm.enabled') === true && Boolean(dig(s, 'monitoring.acm.alertmanager.url')) && Boolean(dig(s, 'monitoring.acm.thanosQuerier.url')),
    incidents: dig(s, 'monitoring.incidents.enabled') === true && atLeast(ctx, '4.19'),
    healthAnalyzer: dig(s, 'monitoring.clusterHealthAnalyzer.enabled') === true && atLeast(ctx, '4.19'),
  };
  f.check(
    Object.values(features).some(Boolean),
    'monitoring-features',
    `${REPO} pkg/controllers/uiplugin/monitoring.go createMonitoringPluginInfo`,
    '"all uiplugin monitoring configurations are invalid or not supported in this cluster version"',
  );
  for (const k of ['incidents', 'clusterHealthAnalyzer']) {
    if (dig(s, `monitoring.${k}.enabled`) === true)
      f.check(
        atLeast(ctx, '4.19'),
        'monitoring-features',
        `${REPO} pkg/controllers/uiplugin/monitoring.go validateIncidentsConfig/validateHealthanalyzerConfig`,
        `monitoring.${k} needs OpenShift 4.19+: silently ignored`,
      );
  }
  return f.list;
}

export const uiPluginRules: ConsumerRules = { consumer: 'observability-operator', kinds: ['UIPlugin'], validate: validateUIPlugin };
