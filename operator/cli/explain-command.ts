// `virt-platform-operator explain`: for a live cluster, what the operator would do with each asset
// and why — applied (in sync), skipped and the reason, refused annotations, drifting fields. It
// dry-runs, never writes.
import { loadCatalog } from '../catalog/catalog.js';
import { featureStatuses, formatFeatures } from '../catalog/feature-status.js';
import { buildChain } from '../chain/chain.js';
import { DriftMemo } from '../chain/drift-memo.js';
import { KubeClient } from '../kube/client.js';
import { defaultAssetsDir } from '../paths.js';
import { Renderer } from '../render/renderer.js';
import { ClusterCache } from '../watch/cluster-cache.js';
import { parseDuration } from './durations.js';
import { evaluateCatalog, statusRow } from './evaluate.js';
import { checkReads, whoAmI } from './explain-preflight.js';
import { parseFlags, UsageError } from './usage-error.js';
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
  const cache = new ClusterCache(client, { hcoNamespace: values.namespace, operatorNamespace: values['operator-namespace'] });
  let step = 'connecting';
  const work = async (): Promise<{ stdout: string; code: number }> => {
    const identity = await whoAmI(client);
    step = 'checking what you may list';
    await checkReads(client, identity);
    step = 'reading the cluster (CRDs, Nodes, Namespaces, the HyperConverged)';
    await cache.start();
    const hco = cache.hco();
    if (!hco) return { stdout: `no HyperConverged found${values.namespace ? ` in namespace ${values.namespace}` : ''}: the operator would stay idle\n`, code: 0 };
    step = 'dry-running every asset';
    const forbiddenHint = `you (${identity}) lack this permission: explain dry-runs with your own credentials, not the operator's ServiceAccount`;
    const chain = buildChain({ renderer: new Renderer(assetsDir), cache, events: { emit: () => undefined }, client, driftMemo: new DriftMemo(), forbiddenHint }, undefined, 'explain');
    const evals = await evaluateCatalog(catalog, chain, hco, cache.facts());
    const rows = evals.map(statusRow);
    if (values.output === 'json') return { stdout: JSON.stringify(rows, null, 2) + '\n', code: 0 };
    const crds = cache.establishedCrds();
    const features = featureStatuses(catalog, hco, evals.map((e) => ({ asset: e.asset.name, status: e.outcome.status, message: e.outcome.message })), (n) => crds.has(n));
    return { stdout: formatTable(rows, 160) + (features.length ? `\n${formatFeatures(features)}` : ''), code: 0 };
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UsageError(`no answer from the API server at ${client.server.origin} within ${values.timeout} (while ${step}); is it reachable? (--timeout to wait longer)`)),
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
