// `virt-platform-operator explain`: for a live cluster, what the operator would do with each asset
// and why — applied (in sync), skipped and the reason, refused annotations, drifting fields. It
// dry-runs, never writes.
import { loadCatalog } from '../catalog/catalog.js';
import { unknownActivationEntries } from '../catalog/eligibility.js';
import { featureStatuses, formatFeatures } from '../catalog/feature-status.js';
import { loadTombstones } from '../catalog/tombstones.js';
import { assetReport } from '../chain/asset-report.js';
import { buildChain, explainEnd } from '../chain/chain.js';
import { DriftMemo } from '../chain/drift-memo.js';
import { HoldDown } from '../chain/hold-down.js';
import { evaluateCatalog } from '../chain/evaluate-catalog.js';
import { adoptionByGet } from '../chain/lookup-step.js';
import { OutcomeMemory } from '../chain/outcome-memory.js';
import { declaredResources } from '../controller/declared-resources.js';
import { Families, familyKinds, familyObserved } from '../families/registry.js';
import { KubeClient } from '../kube/client.js';
import { DEFAULT_SETTLE_TIMEOUT_MS } from '../operator.js';
import { defaultAssetsDir } from '../paths.js';
import { Renderer } from '../render/renderer.js';
import type { ResourceRef } from '../vocabulary/resource.js';
import { ClusterCache } from '../watch/cluster-cache.js';
import { parseDuration } from './durations.js';
import { checkReads, whoAmI } from './explain-preflight.js';
import { parseFlags } from './flags.js';
import { UsageError } from './usage-error.js';
import { formatTable } from './status-table.js';

export const EXPLAIN_HELP = `Usage: virt-platform-operator explain [options]

Shows, for the live cluster, each asset: in sync, drifting (and which fields), skipped and why.
  --kubeconfig FILE   (default: $KUBECONFIG, ~/.kube/config or in-cluster)
  --namespace NS      namespace of the HyperConverged (default: any)
  --output FORMAT     status (default) or json
  --timeout D         give up after this long (default 30s), e.g. when the API server does not answer
  --operator-namespace NS   where the operator runs (its monitoring assets; default virt-platform-operator)
  --assets-dir DIR    the asset catalog (default: the packaged one)
`;

export async function explainCommand(argv: string[]): Promise<{ stdout: string; code: number }> {
  const values = parseFlags(argv, {
    kubeconfig: { type: 'string' },
    namespace: { type: 'string', short: 'n' },
    output: { type: 'string', short: 'o', default: 'status' },
    timeout: { type: 'string', default: '30s' },
    'operator-namespace': { type: 'string' },
    'assets-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { stdout: EXPLAIN_HELP, code: 0 };
  if (!['status', 'json'].includes(values.output)) throw new UsageError(`--output must be status or json (got "${values.output}")`);
  let timeoutMs: number;
  try {
    timeoutMs = parseDuration(values.timeout);
  } catch (e) {
    throw new UsageError(`--timeout: ${(e as Error).message}`);
  }
  if (timeoutMs <= 0) throw new UsageError('--timeout must be greater than 0');
  const client = values.kubeconfig ? KubeClient.fromKubeconfigFile(values.kubeconfig) : KubeClient.fromDefault();
  const assetsDir = values['assets-dir'] ?? defaultAssetsDir();
  const catalog = loadCatalog(assetsDir);
  const cache = new ClusterCache(client, { hcoNamespace: values.namespace, operatorNamespace: values['operator-namespace'], observe: familyObserved() });
  let step = 'connecting';
  const work = async (): Promise<{ stdout: string; code: number }> => {
    const identity = await whoAmI(client);
    step = 'checking what you may list';
    await checkReads(client, identity);
    step = 'reading the cluster (CRDs, Nodes, Namespaces, the HyperConverged)';
    await cache.start();
    const hco = cache.hco();
    if (!hco)
      return { stdout: `no HyperConverged found${values.namespace ? ` in namespace ${values.namespace}` : ''}: the operator would stay idle\n`, code: 0 };
    step = 'dry-running every asset';
    const forbiddenHint = `you (${identity}) lack this permission: explain dry-runs with your own credentials, not the operator's ServiceAccount`;
    // The families' gates judge as the operator would (held or not), with no batch behind them.
    const families = new Families(undefined, {
      observed: (name) => cache.observed(name),
      now: Date.now,
      settleTimeoutMs: DEFAULT_SETTLE_TIMEOUT_MS,
      nodes: () => [...cache.nodes.list()],
    });
    const policies = families.policies;
    const chain = buildChain(
      {
        renderer: new Renderer(assetsDir),
        cache,
        record: { events: { emit: () => undefined }, memory: new OutcomeMemory(), forbiddenHint },
        policies,
        adoption: adoptionByGet(client),
        // Off-switch rows ("would remove", "would release"); a fact-based "no" shows its full hold-down.
        prune: { ready: () => cache.synced, holdDown: new HoldDown(), unknownActivation: (a) => unknownActivationEntries(a, catalog.assets) },
      },
      explainEnd({ client, memo: new DriftMemo(), policies }),
    );
    // Reads are reads: the managed kinds are watched (and their caches filled) before evaluating;
    // an asset rendering a version not declared is pending once, then evaluated again.
    let watched: ResourceRef[] = declaredResources(catalog, loadTombstones(assetsDir), familyKinds(), cache.establishedCrds());
    let evals;
    for (let round = 0; ; round++) {
      cache.watch(watched);
      await cache.whenTried(watched);
      evals = await evaluateCatalog(catalog, chain, hco, cache.facts(), { policies });
      const more = evals.flatMap((e) => (e.outcome.status === 'pending' && e.outcome.subject?.resource ? [e.outcome.subject.resource] : []));
      if (more.length === 0 || round > 0) break;
      watched = more;
    }
    const reports = evals.map((e) => assetReport(e.asset, e.outcome));
    if (values.output === 'json') return { stdout: JSON.stringify(reports, null, 2) + '\n', code: 0 };
    const crds = cache.establishedCrds();
    const features = featureStatuses(
      catalog,
      hco,
      evals.map((e) => ({ asset: e.asset.name, status: e.outcome.status, message: e.outcome.message })),
      (n) => crds.has(n),
    );
    const preview = families.preview(evals, { facts: cache.facts(), observed: (name) => cache.observed(name) });
    return { stdout: formatTable(reports, 160) + preview.map((l) => l + '\n').join('') + (features.length ? `\n${formatFeatures(features)}` : ''), code: 0 };
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UsageError(
            `no answer from the API server at ${client.server.origin} within ${values.timeout} (while ${step}); is it reachable? (--timeout to wait longer)`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
    cache.stop();
    client.close();
  }
}
