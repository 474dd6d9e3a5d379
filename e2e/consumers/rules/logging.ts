// The Loki Operator (grafana/loki operator/) and the Cluster Logging Operator
// (openshift/cluster-logging-operator) judging the logging stack: the LokiStack's admission rules
// and sizing, the ClusterLogForwarder's validations (filters, pipeline references, the lokiStack
// output, the service account's permissions), and the collector's RBAC.
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { dig, findings, isDns1123Subdomain, isRecord, objectsOf, oneOf, show, spec } from './support.js';

const LOKI = 'grafana/loki';
const CLO = 'openshift/cluster-logging-operator';
const SIZES = ['1x.demo', '1x.pico', '1x.extra-small', '1x.small', '1x.medium'];
const SECRET_TYPES = ['azure', 'gcs', 's3', 'swift', 'alibabacloud'];
/** Field paths of drop/prune filters (validate_filters.go pathExpRegex). */
const FIELD_PATH = /^(\.[a-zA-Z0-9_]+|\."[^"]+")(\.[a-zA-Z0-9_]+|\."[^"]+")*$/;
const RESERVED_INPUTS = ['application', 'infrastructure', 'audit'];
/** The ClusterRole the collector needs per reserved input (validate_permissions.go: SAR verb collect, resource logs). */
const COLLECT_ROLE: Record<string, string> = {
  application: 'collect-application-logs',
  infrastructure: 'collect-infrastructure-logs',
  audit: 'collect-audit-logs',
};
const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'];
const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

export function validateLokiStack(obj: KubeObject, _ctx: ConsumerContext) {
  const f = findings('loki-operator', obj);
  const s = spec(obj);
  f.check(oneOf(s.size, SIZES), 'size', `${LOKI} operator/api/loki/v1/lokistack_types.go LokiStackSizeType`, `size ${show(s.size)} is not a LokiStack size`);
  f.check(
    s.size !== '1x.demo',
    'size-production',
    `${LOKI} operator/api/loki/v1/lokistack_types.go (1x.demo: "not for production")`,
    'size 1x.demo is not supported for production',
  );
  const schemas = dig(s, 'storage.schemas');
  const valid =
    Array.isArray(schemas) &&
    schemas.some(
      (x) =>
        isRecord(x) &&
        oneOf(x.version, ['v11', 'v12', 'v13']) &&
        typeof x.effectiveDate === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(x.effectiveDate) &&
        Date.parse(`${x.effectiveDate}T00:00:00Z`) <= Date.now() + 2 * 3600_000,
    );
  f.check(
    valid,
    'schemas',
    `${LOKI} operator/internal/validation/lokistack.go ValidateSchemas (ErrMissingValidStartDate)`,
    'storage.schemas needs a schema whose effectiveDate is in effect (before now + 2h)',
  );
  f.check(
    oneOf(dig(s, 'storage.secret.type'), SECRET_TYPES) && isDns1123Subdomain(dig(s, 'storage.secret.name')),
    'storage-secret',
    `${LOKI} operator/api/loki/v1/lokistack_types.go ObjectStorageSecretSpec`,
    `storage.secret needs a Secret name and a type (${SECRET_TYPES.join(', ')})`,
  );
  f.check(
    isDns1123Subdomain(s.storageClassName),
    'storage-class',
    `${LOKI} operator/api/loki/v1/lokistack_types.go StorageClassName`,
    `storageClassName ${show(s.storageClassName)} is not a StorageClass name`,
  );
  f.check(
    dig(s, 'tenants.mode') === 'openshift-logging',
    'tenants-mode',
    `${CLO} internal/generator/vector/output/lokistack (lokiStack outputs write per tenant: application, infrastructure, audit)`,
    'tenants.mode must be openshift-logging for a ClusterLogForwarder lokiStack output and the Logging console plugin',
  );
  f.check(
    !(s.replication !== undefined && s.replicationFactor !== undefined),
    'replication',
    `${LOKI} operator/internal/validation/lokistack.go validateReplicationSpec`,
    'replication and replicationFactor are exclusive',
  );
  return f.list;
}

/** The LokiStack sizing rule of this product, judged against the scenario's topology. */
export function lokiSizeFor(singleNode: boolean, compact: boolean): string {
  return singleNode ? '1x.pico' : compact ? '1x.extra-small' : '1x.small';
}

export function validateClusterLogForwarder(obj: KubeObject, ctx: ConsumerContext) {
  const f = findings('cluster-logging-operator', obj);
  const s = spec(obj);
  const list = (k: string): Record<string, unknown>[] => (Array.isArray(s[k]) ? (s[k] as unknown[]).filter(isRecord) : []);
  const outputs = new Map(list('outputs').map((o) => [String(o.name), o]));
  const filters = new Map(list('filters').map((o) => [String(o.name), o]));
  const inputs = new Set([...RESERVED_INPUTS, ...list('inputs').map((i) => String(i.name))]);
  for (const p of list('pipelines')) {
    const refs = (k: string): string[] => (Array.isArray(p[k]) ? (p[k] as unknown[]).map(String) : []);
    const missing = [
      ...refs('inputRefs').filter((r) => !inputs.has(r)),
      ...refs('outputRefs').filter((r) => !outputs.has(r)),
      ...refs('filterRefs').filter((r) => !filters.has(r)),
    ];
    f.check(
      missing.length === 0,
      'pipeline-refs',
      `${CLO} internal/validations/observability/pipelines/validate.go validateRef`,
      `pipeline ${show(p.name)}: refs not found: ${missing.join(', ')}`,
    );
    f.check(
      refs('inputRefs').length > 0 && refs('outputRefs').length > 0,
      'pipeline-refs',
      `${CLO} api/observability/v1/clusterlogforwarder_types.go PipelineSpec (MinItems 1)`,
      `pipeline ${show(p.name)} needs inputs and outputs`,
    );
  }
  for (const [name, flt] of filters) {
    if (flt.type === 'drop') {
      const tests = Array.isArray(flt.drop) ? flt.drop : [];
      f.check(
        tests.length > 0,
        'drop-filter',
        `${CLO} internal/validations/observability/filters/validate_filters.go validateDropFilter`,
        `${name}: a drop filter needs at least one test`,
      );
      for (const t of tests) {
        for (const c of isRecord(t) && Array.isArray(t.test) ? t.test.filter(isRecord) : []) {
          const pattern = show(c.matches ?? c.notMatches ?? '');
          f.check(
            FIELD_PATH.test(String(c.field)),
            'drop-filter',
            `${CLO} internal/validations/observability/filters/validate_filters.go validateFieldPath`,
            `${name}: field ${show(c.field)} is not a field path`,
          );
          f.check(
            !(c.matches !== undefined && c.notMatches !== undefined) && !/['\n\r]/.test(pattern),
            'drop-filter',
            `${CLO} internal/validations/observability/filters/validate_filters.go validateDropFilter`,
            `${name}: one of matches/notMatches, without quotes or newlines`,
          );
          let compiles = true;
          try {
            new RegExp(pattern);
          } catch {
            compiles = false;
          }
          f.check(
            compiles && !/\(\?[=!<]/.test(pattern) && !/\\[1-9]/.test(pattern),
            'drop-filter',
            `${CLO} internal/validations/observability/filters/validate_filters.go (regexp.Compile: RE2, no lookaround or backreferences)`,
            `${name}: ${show(pattern)} is not an RE2 pattern`,
          );
        }
      }
    }
    if (flt.type === 'kubeAPIAudit') {
      const a = isRecord(flt.kubeAPIAudit) ? flt.kubeAPIAudit : undefined;
      f.check(
        a !== undefined,
        'audit-filter',
        `${CLO} api/observability/v1/filter_types.go (XValidation: kubeAPIAudit spec required)`,
        `${name}: kubeAPIAudit settings missing`,
      );
      const rules = Array.isArray(a?.rules) ? (a.rules as unknown[]) : [];
      for (const r of rules)
        f.check(
          isRecord(r) && oneOf(r.level, AUDIT_LEVELS),
          'audit-filter',
          'kubernetes/apiserver pkg/apis/audit/v1 PolicyRule (Level)',
          `${name}: rule level ${show(isRecord(r) ? r.level : r)} is not an audit level`,
        );
      for (const st of Array.isArray(a?.omitStages) ? (a.omitStages as unknown[]) : [])
        f.check(oneOf(st, AUDIT_STAGES), 'audit-filter', 'kubernetes/apiserver pkg/apis/audit/v1 Stage', `${name}: ${show(st)} is not an audit stage`);
    }
  }
  for (const [name, o] of outputs) {
    if (o.type !== 'lokiStack') continue;
    const target = dig(o, 'lokiStack.target') as Record<string, unknown> | undefined;
    f.check(
      dig(o, 'lokiStack.authentication.token.from') !== undefined,
      'lokistack-output',
      `${CLO} api/observability/v1/output_types.go LokiStack (authentication required)`,
      `${name}: lokiStack.authentication.token is required`,
    );
    const stack = objectsOf(ctx, 'LokiStack').find(
      (l) => l.metadata?.name === target?.name && (l.metadata?.namespace ?? '') === (target?.namespace ?? obj.metadata?.namespace),
    );
    f.check(
      stack !== undefined,
      'lokistack-output',
      `${CLO} api/observability/v1/output_types.go LokiStackTarget`,
      `${name}: no LokiStack ${show(target?.namespace)}/${show(target?.name)} is rendered with it`,
    );
  }
  // The collector's account must exist and may collect every reserved input it forwards.
  const sa = show(dig(s, 'serviceAccount.name') ?? '');
  const ns = obj.metadata?.namespace ?? '';
  f.check(
    objectsOf(ctx, 'ServiceAccount').some((o) => o.metadata?.name === sa && o.metadata?.namespace === ns),
    'service-account',
    `${CLO} internal/validations/observability/validate_permissions.go ValidatePermissions (ServiceAccountDoesNotExist)`,
    `service account ${ns}/${sa} is not rendered with the forwarder`,
  );
  const used = new Set(list('pipelines').flatMap((p) => (Array.isArray(p.inputRefs) ? (p.inputRefs as unknown[]).map(String) : [])));
  const bound = (role: string): boolean =>
    objectsOf(ctx, 'ClusterRoleBinding').some(
      (b) =>
        dig(b, 'roleRef.name') === role &&
        Array.isArray(b.subjects) &&
        (b.subjects as unknown[]).some((x) => isRecord(x) && x.kind === 'ServiceAccount' && x.name === sa && x.namespace === ns),
    );
  for (const input of RESERVED_INPUTS.filter((i) => used.has(i))) {
    f.check(
      bound(COLLECT_ROLE[input]!),
      'permissions',
      `${CLO} internal/validations/observability/validate_permissions.go validateServiceAccountPermissions`,
      `the collector may not collect ${input} logs: no ClusterRoleBinding of ${COLLECT_ROLE[input]} to ${ns}/${sa}`,
    );
  }
  if ([...outputs.values()].some((o) => o.type === 'lokiStack' && dig(o, 'lokiStack.authentication.token.from') === 'serviceAccount')) {
    f.check(
      bound('logging-collector-logs-writer'),
      'permissions',
      'https://docs.redhat.com/en/documentation/red_hat_openshift_logging/6.2/html/configuring_logging/configuring-log-forwarding (logging-collector-logs-writer)',
      `the collector may not write to the LokiStack: no ClusterRoleBinding of logging-collector-logs-writer to ${ns}/${sa}`,
    );
  }
  return f.list;
}

/** The collector's bindings: to the Cluster Logging Operator's own roles, for an account that is rendered too. */
export function validateCollectorBinding(obj: KubeObject, ctx: ConsumerContext) {
  const f = findings('cluster-logging-operator', obj);
  const role = dig(obj, 'roleRef.name');
  if (!oneOf(role, [...Object.values(COLLECT_ROLE), 'logging-collector-logs-writer'])) return f.list;
  f.check(
    dig(obj, 'roleRef.kind') === 'ClusterRole' && dig(obj, 'roleRef.apiGroup') === 'rbac.authorization.k8s.io',
    'collector-binding',
    `${CLO} bundle/manifests (the collect-* roles are ClusterRoles)`,
    'roleRef must be a ClusterRole of rbac.authorization.k8s.io',
  );
  const subjects = Array.isArray(obj.subjects) ? (obj.subjects as unknown[]).filter(isRecord) : [];
  for (const s of subjects) {
    const rendered = objectsOf(ctx, 'ServiceAccount').some((o) => o.metadata?.name === s.name && o.metadata?.namespace === s.namespace);
    f.check(
      s.kind === 'ServiceAccount' && rendered,
      'collector-binding',
      `${CLO} internal/validations/observability/validate_permissions.go`,
      `subject ${show(s.namespace)}/${show(s.name)} is not a ServiceAccount rendered with it`,
    );
  }
  return f.list;
}

export const lokiStackRules: ConsumerRules = { consumer: 'loki-operator', kinds: ['LokiStack'], validate: validateLokiStack };
export const clusterLogForwarderRules: ConsumerRules = {
  consumer: 'cluster-logging-operator',
  kinds: ['ClusterLogForwarder'],
  validate: validateClusterLogForwarder,
};
export const collectorBindingRules: ConsumerRules = { consumer: 'cluster-logging-operator', kinds: ['ClusterRoleBinding'], validate: validateCollectorBinding };
