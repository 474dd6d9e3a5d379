// `virt-platform-operator render`: the operator's own chain, offline. The HCO file plays the live
// HCO (its patch / ignore-fields / mode annotations act on the golden config exactly as on a
// cluster); Nodes and CRDs come from files when given.
import yaml from 'js-yaml';
import { loadCatalog } from '../catalog/catalog.js';
import { unknownActivationEntries, type Activation } from '../catalog/eligibility.js';
import { assetReport } from '../chain/asset-report.js';
import { buildChain, offlineEnd } from '../chain/chain.js';
import { evaluateCatalog, renderedObject, type Evaluation } from '../chain/evaluate-catalog.js';
import { HoldDown } from '../chain/hold-down.js';
import { OutcomeMemory } from '../chain/outcome-memory.js';
import { Families } from '../families/registry.js';
import { defaultAssetsDir } from '../paths.js';
import { Renderer } from '../render/renderer.js';
import { OfflineCluster, offlineFacts } from '../watch/offline-cluster.js';
import { parseFlags } from './flags.js';
import { readCrdDir, readHco, readNodes, readObjects } from './input-files.js';
import { formatTable } from './status-table.js';
import { UsageError } from './usage-error.js';

export const RENDER_HELP = `Usage: virt-platform-operator render --hco-file hco.yaml [options]

Renders every asset offline, through the same chain the operator runs.
  --hco-file FILE     the HyperConverged (hco.kubevirt.io/v1) to render for (required)
  --nodes-file FILE   Nodes (YAML documents or a List) for hardware and topology detection;
                      without it: a cluster with dedicated workers, no special hardware
  --crds-dir DIR      CRDs to answer CRD-dependent templates; without it every kind is assumed served
  --openshift-version X.Y  the OpenShift release to render for (e.g. 4.21); without it the version is
                      unknown and version-dependent assets take their conservative side (no swap)
  --objects-file FILE the managed objects on the cluster (kubectl get <kinds> -A -o yaml -l
                      platform.kubevirt.io/managed-by=virt-platform-operator): status and json then
                      show what turning assets off would do ("would remove", "would release")
  --output FORMAT     yaml (default, kubectl-apply-able), json, or status (a table)
  --assets-dir DIR    the asset catalog (default: the packaged one)
`;

function output(evals: Evaluation[], format: string, preview: () => string[]): string {
  if (format === 'json') {
    // The asset reports, each with the object it would apply (`manifest`) when it renders one.
    // Offline output is a function of the inputs alone: no time of day.
    return (
      JSON.stringify(
        evals.map((e) => ({ ...assetReport(e.asset, e.outcome), at: undefined, manifest: renderedObject(e.outcome) })),
        null,
        2,
      ) + '\n'
    );
  }
  if (format === 'status')
    return (
      formatTable(
        evals.map((e) => assetReport(e.asset, e.outcome)),
        160,
      ) +
      preview()
        .map((l) => l + '\n')
        .join('')
    );
  return evals
    .flatMap((e) => {
      const obj = renderedObject(e.outcome);
      return obj ? [`# asset: ${e.asset.name}\n${yaml.dump(obj, { noRefs: true, lineWidth: -1 })}`] : [];
    })
    .join('---\n');
}

export async function renderCommand(argv: string[]): Promise<{ stdout: string; code: number }> {
  const values = parseFlags(argv, {
    'hco-file': { type: 'string' },
    'nodes-file': { type: 'string' },
    'crds-dir': { type: 'string' },
    'openshift-version': { type: 'string' },
    'objects-file': { type: 'string' },
    output: { type: 'string', short: 'o', default: 'yaml' },
    'assets-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { stdout: RENDER_HELP, code: 0 };
  if (!values['hco-file']) throw new UsageError('--hco-file is required (see render --help)');
  if (!['yaml', 'json', 'status'].includes(values.output)) throw new UsageError(`--output must be yaml, json or status (got "${values.output}")`);
  const hco = readHco(values['hco-file']);
  const version = values['openshift-version'];
  if (version !== undefined && !/^\d+\.\d+$/.test(version)) throw new UsageError(`--openshift-version must be major.minor, e.g. 4.21 (got "${version}")`);
  const nodesFile = values['nodes-file'];
  const crdsDir = values['crds-dir'];
  const crds = crdsDir ? readCrdDir(crdsDir) : undefined;
  const nodes = nodesFile ? readNodes(nodesFile) : undefined;
  const objectsFile = values['objects-file'];
  const cluster = new OfflineCluster(hco, offlineFacts({ nodes, crds, openshiftVersion: version }), objectsFile ? readObjects(objectsFile) : []);
  const assetsDir = values['assets-dir'] ?? defaultAssetsDir();
  const catalog = loadCatalog(assetsDir);
  const families = new Families();
  const chain = buildChain(
    {
      renderer: new Renderer(assetsDir),
      cache: cluster,
      record: { events: { emit: () => undefined }, memory: new OutcomeMemory() },
      policies: families.policies,
      // The off-switch's view of the given objects; a fact-based "no" shows its full hold-down.
      ...(objectsFile
        ? { prune: { ready: () => true, holdDown: new HoldDown(), unknownActivation: (a: Activation) => unknownActivationEntries(a, catalog.assets) } }
        : {}),
    },
    offlineEnd({ prune: objectsFile !== undefined }),
  );
  const evals = await evaluateCatalog(catalog, chain, hco, cluster.facts, { projectHco: true, policies: families.policies });
  return { stdout: output(evals, values.output, () => families.preview(evals, { facts: cluster.facts })), code: 0 };
}
