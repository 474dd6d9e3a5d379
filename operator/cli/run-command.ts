// `virt-platform-operator` (run): the operator process. kubebuilder-style flags; probes and
// metrics on their own ports; a loopback-only debug port; optional leader election (only the
// leader watches and writes); graceful shutdown on SIGTERM/SIGINT that releases the Lease.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import yaml from 'js-yaml';
import { renderedObject } from '../chain/evaluate-catalog.js';
import { OperatorMetrics } from '../http/metrics.js';
import { MetricsAuth } from '../http/metrics-auth.js';
import { HttpEndpoint, isLoopback, parseBindAddress } from '../http/server.js';
import { ServingCertificate } from '../http/serving-cert.js';
import { KubeClient } from '../kube/client.js';
import { LeaderElector } from '../leader/leader-elector.js';
import { log, setLogLevel } from '../log.js';
import { Operator } from '../operator.js';
import { defaultAssetsDir } from '../paths.js';
import { VERSION } from '../version.js';
import { parseDuration } from './durations.js';
import { featureStatuses } from '../catalog/feature-status.js';
import { parseFlags } from './flags.js';
import { UsageError } from './usage-error.js';

export const RUN_HELP = `Usage: virt-platform-operator [run] [flags]

  --kubeconfig FILE                  (default: in-cluster, else $KUBECONFIG or ~/.kube/config)
  --namespace NS                     namespace of the HyperConverged CR, named kubevirt-hyperconverged
                                     (default: openshift-cnv, else kubevirt-hyperconverged)
  --metrics-bind-address ADDR        Prometheus /metrics (default :8443; "0" disables)
  --metrics-secure BOOL              serve /metrics over HTTPS to scrapers authenticated by a TokenReview and
                                     authorized by a SubjectAccessReview (get /metrics) (default true;
                                     false: plain HTTP, no authentication — local development only)
  --metrics-cert-dir DIR             tls.crt and tls.key for /metrics, re-read when they change (default
                                     /etc/virt-platform-operator/metrics-tls; a self-signed certificate
                                     while the folder holds none)
  --health-probe-bind-address ADDR   /healthz and /readyz (default :8081; "0" disables)
  --debug-bind-address ADDR          /debug/render, /debug/explain and /debug/features, loopback only (default 127.0.0.1:8082; "0" disables)
  --leader-elect                     elect a leader on a Lease before writing (HA replicas)
  --leader-election-namespace NS     namespace of the Lease (default: the pod's namespace)
  --leader-election-id NAME          name of the Lease (default virt-platform-operator-leader)
  --lease-duration D --renew-deadline D --retry-period D   (defaults 15s, 10s, 2s)
  --throttle-burst N                 updates allowed per object per window (default 5)
  --throttle-window D                (default 1m)
  --thrashing-threshold N            consecutive throttles that pause an object (default 3)
  --resync-period D                  periodic full re-evaluation (default 10m)
  --settle-timeout D                 how long a MachineConfigPool may take to roll out a batch of ours
                                     before its conditions alone decide the next one (default 30m)
  --prune-hold-down D                how long a hardware/topology "no" must hold before the operator
                                     removes or releases what the asset made (default 10m)
  --log-level LEVEL                  error, warn, info, debug (default $LOG_LEVEL, else info)
  --assets-dir DIR                   the asset catalog (default: the packaged one)
`;

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
/** Where the Deployment mounts the metrics serving-certificate Secret (optional). */
export const METRICS_CERT_DIR = '/etc/virt-platform-operator/metrics-tls';
/** The metrics Service (an asset: assets/monitoring/metrics-service.yaml.hbs). */
export const METRICS_SERVICE = 'virt-platform-operator-metrics';

function podNamespace(): string {
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  try {
    return readFileSync(SA_NAMESPACE_FILE, 'utf8').trim();
  } catch {
    return 'virt-platform-operator';
  }
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer (got "${v}")`);
  return n;
}

function duration(v: string, flag: string): number {
  try {
    return parseDuration(v);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
}

export function parseRunFlags(argv: string[]) {
  const values = parseFlags(argv, {
    kubeconfig: { type: 'string' },
    namespace: { type: 'string', default: '' },
    'metrics-bind-address': { type: 'string', default: ':8443' },
    'metrics-secure': { type: 'string', default: 'true' },
    'metrics-cert-dir': { type: 'string', default: METRICS_CERT_DIR },
    'health-probe-bind-address': { type: 'string', default: ':8081' },
    'debug-bind-address': { type: 'string', default: '127.0.0.1:8082' },
    'leader-elect': { type: 'boolean', default: false },
    'leader-election-namespace': { type: 'string' },
    'leader-election-id': { type: 'string', default: 'virt-platform-operator-leader' },
    'lease-duration': { type: 'string', default: '15s' },
    'renew-deadline': { type: 'string', default: '10s' },
    'retry-period': { type: 'string', default: '2s' },
    'throttle-burst': { type: 'string', default: '5' },
    'throttle-window': { type: 'string', default: '1m' },
    'thrashing-threshold': { type: 'string', default: '3' },
    'resync-period': { type: 'string', default: '10m' },
    'settle-timeout': { type: 'string', default: '30m' },
    'prune-hold-down': { type: 'string', default: '10m' },
    'log-level': { type: 'string', default: process.env.LOG_LEVEL || 'info' },
    'assets-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (!['error', 'warn', 'info', 'debug'].includes(values['log-level'])) {
    throw new UsageError(`--log-level (or $LOG_LEVEL) must be error, warn, info or debug (got "${values['log-level']}")`);
  }
  if (!['true', 'false'].includes(values['metrics-secure'])) throw new UsageError(`--metrics-secure must be true or false (got "${values['metrics-secure']}")`);
  const debug = values['debug-bind-address'];
  const debugBind = (() => {
    try {
      return parseBindAddress(debug);
    } catch (e) {
      throw new UsageError(`--debug-bind-address: ${(e as Error).message}`);
    }
  })();
  if (debugBind && !isLoopback(debugBind.host)) throw new UsageError(`--debug-bind-address must be a loopback address (got "${debug}")`);
  const leaseDurationMs = duration(values['lease-duration'], '--lease-duration');
  const renewDeadlineMs = duration(values['renew-deadline'], '--renew-deadline');
  const retryPeriodMs = duration(values['retry-period'], '--retry-period');
  if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs)) {
    throw new UsageError('leader election needs --lease-duration > --renew-deadline > --retry-period');
  }
  return {
    help: values.help === true,
    kubeconfig: values.kubeconfig,
    namespace: values.namespace,
    metricsAddr: values['metrics-bind-address'],
    metricsSecure: values['metrics-secure'] === 'true',
    metricsCertDir: values['metrics-cert-dir'],
    operatorNamespace: podNamespace(),
    healthAddr: values['health-probe-bind-address'],
    debugAddr: debug,
    leaderElect: values['leader-elect'],
    leaderElection: {
      namespace: values['leader-election-namespace'] ?? podNamespace(),
      name: values['leader-election-id'],
      identity: process.env.POD_NAME ?? `${hostname()}_${process.pid}`,
      leaseDurationMs,
      renewDeadlineMs,
      retryPeriodMs,
    },
    throttle: {
      capacity: positiveInt(values['throttle-burst'], '--throttle-burst'),
      windowMs: duration(values['throttle-window'], '--throttle-window'),
      pauseAfter: positiveInt(values['thrashing-threshold'], '--thrashing-threshold'),
    },
    resyncMs: duration(values['resync-period'], '--resync-period'),
    settleTimeoutMs: duration(values['settle-timeout'], '--settle-timeout'),
    pruneHoldDownMs: duration(values['prune-hold-down'], '--prune-hold-down'),
    logLevel: values['log-level'],
    assetsDir: values['assets-dir'] ?? defaultAssetsDir(),
  };
}

export async function runCommand(argv: string[]): Promise<{ stdout: string; code: number } | undefined> {
  const flags = parseRunFlags(argv);
  if (flags.help) return { stdout: RUN_HELP, code: 0 };
  setLogLevel(flags.logLevel);
  const client = flags.kubeconfig ? KubeClient.fromKubeconfigFile(flags.kubeconfig) : KubeClient.fromDefault();
  const metrics = new OperatorMetrics();
  const operator = new Operator({
    client,
    assetsDir: flags.assetsDir,
    hcoNamespace: flags.namespace,
    operatorNamespace: flags.operatorNamespace,
    throttle: flags.throttle,
    resyncMs: flags.resyncMs,
    settleTimeoutMs: flags.settleTimeoutMs,
    pruneHoldDownMs: flags.pruneHoldDownMs,
    metrics,
  });
  // The elector has a client of its own (its Lease requests pass no write gate, and are counted
  // like every other request); the operator's client writes only while leadership is certain
  // (see leader/leadership.ts).
  const elector = flags.leaderElect ? new LeaderElector(client.ungated('virt-platform-operator-leader-election'), flags.leaderElection) : undefined;
  if (elector) {
    elector.metrics = metrics;
    client.setWriteGate(elector.leadership);
  }
  let started = false;

  const health = new HttpEndpoint('health', {
    '/healthz': () => Promise.resolve({ status: 200, body: 'ok\n' }),
    // A standby is ready (it is healthy and waiting); the leader once its caches are synced.
    '/readyz': () =>
      Promise.resolve(!started || operator.ready ? { status: 200, body: started ? 'ok\n' : 'ok (standby)\n' } : { status: 503, body: 'caches not synced\n' }),
  });
  const service = `${METRICS_SERVICE}.${flags.operatorNamespace}.svc`;
  const metricsEndpoint = new HttpEndpoint(
    'metrics',
    { '/metrics': async () => ({ status: 200, body: await metrics.text(), type: metrics.registry.contentType }) },
    flags.metricsSecure
      ? {
          tls: new ServingCertificate(flags.metricsCertDir, [service, `${service}.cluster.local`, 'localhost']),
          auth: new MetricsAuth(client.ungated('virt-platform-operator-metrics-auth')),
        }
      : {},
  );
  const debugEndpoint = new HttpEndpoint('debug', {
    '/debug/explain': () =>
      Promise.resolve({ status: 200, body: JSON.stringify([...operator.reconciler.reports.values()], null, 2) + '\n', type: 'application/json' }),
    '/debug/features': () => {
      const crds = operator.cache.establishedCrds();
      const list = featureStatuses(operator.catalog, operator.cache.hco(), operator.reconciler.reports.values(), (n) => crds.has(n));
      return Promise.resolve({ status: 200, body: JSON.stringify(list, null, 2) + '\n', type: 'application/json' });
    },
    '/debug/migration': () =>
      Promise.resolve({ status: 200, body: JSON.stringify([...operator.reconciler.migration.states.values()], null, 2) + '\n', type: 'application/json' }),
    '/debug/render': async () => {
      const hco = operator.cache.hco();
      if (!hco) return { status: 200, body: '# no HyperConverged: nothing would be applied\n' };
      const evals = await operator.renderAll(hco);
      const docs = evals.flatMap((e) => {
        const obj = renderedObject(e.outcome);
        return obj ? [`# asset: ${e.asset.name}\n${yaml.dump(obj, { noRefs: true, lineWidth: -1 })}`] : [];
      });
      return { status: 200, body: docs.join('---\n'), type: 'application/yaml' };
    },
  });
  const endpoints: [HttpEndpoint, string, string][] = [
    [health, flags.healthAddr, '--health-probe-bind-address'],
    [metricsEndpoint, flags.metricsAddr, '--metrics-bind-address'],
    [debugEndpoint, flags.debugAddr, '--debug-bind-address'],
  ];
  for (const [endpoint, addr, flag] of endpoints) {
    try {
      await endpoint.listen(addr);
    } catch (e) {
      // Nothing may keep the process alive after a failed start.
      await Promise.all(endpoints.map(([ep]) => ep.close()));
      client.close();
      throw new UsageError(`${flag}: cannot listen on ${addr}: ${(e as Error).message}`);
    }
  }

  log.info('starting', { version: VERSION, node: process.version, namespace: flags.operatorNamespace, logLevel: flags.logLevel });
  const startOperator = (): void => {
    started = true;
    operator.start().then(
      () => log.info('caches synced; reconciling', { assets: operator.catalog.assets.length, hyperconverged: operator.cache.describeHcoLocation() }),
      (err: unknown) => {
        log.error('operator failed to start', { error: (err as Error).message });
        void shutdown(1);
      },
    );
  };

  let shuttingDown = false;
  const shutdown = async (code: number): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info('shutting down');
    const hardStop = setTimeout(() => process.exit(code), 10_000);
    hardStop.unref();
    if (started) await operator.stop();
    await elector?.stop();
    await Promise.all([health.close(), metricsEndpoint.close(), debugEndpoint.close()]);
    client.close();
    log.info('stopped');
    process.exit(code);
  };
  process.once('SIGTERM', () => void shutdown(0));
  process.once('SIGINT', () => void shutdown(0));

  if (elector) {
    log.info('leader election: campaigning', {
      lease: `${flags.leaderElection.namespace}/${flags.leaderElection.name}`,
      identity: flags.leaderElection.identity,
    });
    void elector.run(startOperator, () => void shutdown(1));
  } else {
    startOperator();
  }
  return undefined;
}
