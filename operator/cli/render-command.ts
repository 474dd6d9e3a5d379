// `virt-platform-operator render`: the operator's own chain, offline. The HCO file plays the live
// HCO (its patch / ignore-fields / mode annotations act on the golden config exactly as on a
// cluster); Nodes and CRDs come from files when given.
import yaml from 'js-yaml';
import { loadCatalog } from '../catalog/catalog.js';
import { detectHardware } from '../catalog/hardware.js';
import { detectTopology } from '../catalog/topology.js';
import { buildChain } from '../chain/chain.js';
import type { LiveCache } from '../chain/deps.js';
import { defaultAssetsDir } from '../paths.js';
import type { ClusterFacts } from '../render/context.js';
import { Renderer } from '../render/renderer.js';
import { evaluateCatalog, statusRow, type Evaluation } from './evaluate.js';
import { readCrdDir, readHco, readNodes } from './input-files.js';
import { parseFlags, UsageError } from './usage-error.js';
import { formatTable } from './status-table.js';

export const RENDER_HELP = `Usage: virt-platform-operator render --hco-file hco.yaml [options]

Renders every asset offline, through the same chain the operator runs.
  --hco-file FILE     the HyperConverged (hco.kubevirt.io/v1) to render for (required)
  --nodes-file FILE   Nodes (YAML documents or a List) for hardware and topology detection;
                      without it: a cluster with dedicated workers, no special hardware
  --crds-dir DIR      CRDs to answer CRD-dependent templates; without it every kind is assumed served
  --openshift-version X.Y  the OpenShift release to render for (e.g. 4.21); without it the version is
                      unknown and version-dependent assets take their conservative side (no swap)
  --output FORMAT     yaml (default, kubectl-apply-able), json, or status (a table)
  --assets-dir DIR    the asset catalog (default: the packaged one)
`;

function facts(nodesFile: string | undefined, crdsDir: string | undefined, openshiftVersion: string | undefined): ClusterFacts {
  const crds = crdsDir ? readCrdDir(crdsDir) : undefined;
  const nodes = nodesFile ? readNodes(nodesFile) : undefined;
  const topology = nodes ? detectTopology(nodes) : { hasSchedulableMasters: false, hasDedicatedWorkers: true, singleNode: false, nodes: 0, masters: 0, workers: 0 };
  return {
    hardware: detectHardware(nodes ?? []),
    topology,
    openshift: { version: openshiftVersion },
    crds: crds ?? new Map(),
    assumeCrdsInstalled: !crds,
    objectExists: (kind, _ns, name) => (kind === 'Namespace' ? true : kind === 'CustomResourceDefinition' ? !crds || crds.has(name) : false),
  };
}

function output(evals: Evaluation[], format: string): string {
  const applied = evals.filter((e) => e.outcome.status === 'rendered' && e.outcome.desired);
  if (format === 'json') {
    return JSON.stringify(evals.map((e) => ({ ...statusRow(e), object: e.outcome.status === 'rendered' ? e.outcome.desired : undefined })), null, 2) + '\n';
  }
  if (format === 'status') return formatTable(evals.map(statusRow), 160);
  return applied.map((e) => `# asset: ${e.asset.name}\n${yaml.dump(e.outcome.desired, { noRefs: true, lineWidth: -1 })}`).join('---\n');
}

export async function renderCommand(argv: string[]): Promise<{ stdout: string; code: number }> {
  const values = parseFlags(argv, {
    'hco-file': { type: 'string' },
    'nodes-file': { type: 'string' },
    'crds-dir': { type: 'string' },
    'openshift-version': { type: 'string' },
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
  const f = facts(values['nodes-file'], values['crds-dir'], version);
  const assetsDir = values['assets-dir'] ?? defaultAssetsDir();
  const catalog = loadCatalog(assetsDir);
  const cache: LiveCache = {
    get: (r, ns, name) => (r.kind === 'HyperConverged' && name === hco.metadata?.name && ns === hco.metadata?.namespace ? hco : undefined),
    upsert: () => undefined,
  };
  const chain = buildChain({ renderer: new Renderer(assetsDir), cache, events: { emit: () => undefined } });
  const evals = await evaluateCatalog(catalog, chain, hco, f, true);
  return { stdout: output(evals, values.output), code: 0 };
}
