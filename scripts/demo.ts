// `npm run demo`: the operator's main job on an embedded control plane. Builds/reuses the real
// kube-apiserver + etcd, installs the CRDs, creates a sample HyperConverged and a few Nodes with
// Node Feature Discovery labels, runs the operator binary, shows the assets converging, then
// demonstrates a user patch, ignore-fields, mode: unmanaged and a drift repair, each with a
// before/after. Runs until Ctrl-C (or exits after the demonstrations with --exit).
import { loadCatalog } from '../operator/catalog/catalog.js';
import type { AssetReport } from '../operator/chain/asset-report.js';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { startControlPlane } from '../localcluster/controlplane.js';
import { crdDir, installCrds, loadCrds } from '../localcluster/crds.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { HCO_NAME } from '../operator/vocabulary/hco.js';
import { defaultAssetsDir } from '../operator/paths.js';
import { formatTable } from '../operator/cli/status-table.js';
import { localOperatorArgs, OPERATOR_BIN, OperatorProcess } from '../localcluster/operator-process.js';
import { ensureNamespaces } from '../localcluster/namespaces.js';

const { values: opts } = parseArgs({ options: { exit: { type: 'boolean', default: false }, 'assets-dir': { type: 'string', default: defaultAssetsDir() } } });
const HCO_NS = 'openshift-cnv';
const HCO_PATH = `/apis/hco.kubevirt.io/v1/namespaces/${HCO_NS}/hyperconvergeds/${HCO_NAME}`;
const P = 'platform.kubevirt.io';

const out = (s = ''): void => void process.stdout.write(s + '\n');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

const nodes: KubeObject[] = [
  ...['master-0', 'master-1', 'master-2'].map((name) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'node-role.kubernetes.io/master': '', 'node-role.kubernetes.io/control-plane': '' } },
    spec: { taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] },
  })),
  ...['worker-0', 'worker-1'].map((name, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'node-role.kubernetes.io/worker': '',
        'feature.node.kubernetes.io/memory-numa': 'true',
        'feature.node.kubernetes.io/iommu-enabled': 'true',
        // An NVIDIA GPU (class 0302) on worker-0 only.
        ...(i === 0 ? { 'feature.node.kubernetes.io/pci-0302_10de.present': 'true' } : {}),
      },
    },
    status: { capacity: { cpu: '64', memory: '512Gi', pods: '250', ...(i === 0 ? { 'nvidia.com/gpu': '2' } : {}) } },
  })),
];

async function reports(debugPort: number): Promise<AssetReport[]> {
  try {
    return (await (await fetch(`http://127.0.0.1:${debugPort}/debug/explain`)).json()) as AssetReport[];
  } catch {
    return [];
  }
}

const at = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((acc, k) => (acc as Record<string, unknown> | undefined)?.[k], o);

async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await check().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    await sleep(100);
  }
  return undefined;
}

async function main(): Promise<void> {
  const started = Date.now();
  out(bold('virt-platform-operator demo'));
  out('Starting a local Kubernetes control plane (real etcd + kube-apiserver)…');
  const cp = await startControlPlane({ progress: (l) => out(l), handleSignals: false });
  let op: OperatorProcess | undefined;
  const cleanup = async (): Promise<void> => {
    await op?.stop();
    await cp.stop();
  };
  try {
    const admin = cp.admin;
    const crds = await installCrds(admin, loadCrds(crdDir()));
    out(`API server ready at ${cp.server}; ${crds.length} CRDs installed from ${crdDir()}`);

    await admin.create('/api/v1/namespaces', { metadata: { name: HCO_NS } });
    const hco: KubeObject = {
      apiVersion: 'hco.kubevirt.io/v1',
      kind: 'HyperConverged',
      metadata: { name: HCO_NAME, namespace: HCO_NS, annotations: { [`${P}/autopilot`]: 'true', [`${P}/enable-pci-passthrough`]: 'true' } },
      spec: {},
    };
    await admin.create(`/apis/hco.kubevirt.io/v1/namespaces/${HCO_NS}/hyperconvergeds`, hco);
    // The namespaces the operators the assets configure would have created.
    const hcoFile = join(cp.dir, 'hco.yaml');
    writeFileSync(hcoFile, yaml.dump(hco));
    const rendered = execFileSync(
      process.execPath,
      [OPERATOR_BIN, 'render', '--hco-file', hcoFile, '--assets-dir', opts['assets-dir'], '--crds-dir', crdDir()],
      { encoding: 'utf8' },
    );
    const namespaces = new Set(
      (yaml.loadAll(rendered) as KubeObject[]).map((o) => o?.metadata?.namespace).filter((n): n is string => Boolean(n) && n !== HCO_NS),
    );
    await ensureNamespaces(admin, namespaces);
    for (const n of nodes) await admin.create('/api/v1/nodes', n);
    out(
      `Created HyperConverged ${HCO_NS}/${HCO_NAME} (${P}/autopilot: "true", enable-pci-passthrough), ${nodes.length} Nodes with NFD labels (NUMA, IOMMU, an NVIDIA GPU), namespaces ${[...namespaces].join(', ')}`,
    );

    const { metrics, debug, args } = await localOperatorArgs({ kubeconfig: cp.kubeconfigPath, namespace: HCO_NS });
    const t0 = Date.now();
    op = new OperatorProcess([...args, '--assets-dir', opts['assets-dir'], '--log-level', 'warn'], {}, ['--max-semi-space-size=2']);
    out(`\n${bold('Operator started')} (pid ${op.pid}); watching the assets converge:`);
    let lastTable = '';
    let converged: AssetReport[] = [];
    const expected = (yaml.loadAll(rendered) as KubeObject[]).filter(Boolean).length;
    const catalogSize = loadCatalog(opts['assets-dir']).assets.length;
    for (;;) {
      const r = await reports(debug);
      const table = formatTable(r);
      if (table !== lastTable && process.stdout.isTTY) {
        process.stdout.write(`\x1b[${lastTable.split('\n').length - 1}A\x1b[J`.repeat(lastTable ? 1 : 0) + table);
        lastTable = table;
      }
      const applied = r.filter((x) => ['created', 'updated', 'in-sync'].includes(x.status));
      // Every asset reported (a partial report list would let a late asset such as the descheduler go unseen).
      if (r.length >= catalogSize && applied.length >= expected && r.every((x) => ['created', 'updated', 'in-sync', 'skipped'].includes(x.status))) {
        converged = r;
        break;
      }
      if (!op.running) throw new Error(`the operator exited:\n${op.raw.slice(-10).join('\n')}`);
      if (Date.now() - t0 > 60_000) throw new Error(`not converged after 60 s:\n${table}`);
      await sleep(200);
    }
    if (!process.stdout.isTTY) out(formatTable(converged));
    out(
      `${bold('Converged')}: ${converged.filter((x) => x.status !== 'skipped').length} assets applied in ${((Date.now() - t0) / 1000).toFixed(1)} s after the operator started (${((Date.now() - started) / 1000).toFixed(1)} s since the demo started).`,
    );

    const userEdit = (path: string, patch: unknown): Promise<KubeObject> => admin.mergePatch(path, patch, 'demo-user');
    const settle = (): Promise<void> => sleep(1500);
    const show = (label: string, v: unknown): void => out(`    ${label.padEnd(7)} ${JSON.stringify(v)}`);
    const find = (kind: string): AssetReport | undefined => converged.find((x) => x.kind === kind && x.object);
    const pathFor = (kind: string, object: string): string => {
      const [ns, name] = object.includes('/') ? object.split('/') : [undefined, object];
      const base: Record<string, string> = {
        KubeletConfig: '/apis/machineconfiguration.openshift.io/v1/kubeletconfigs',
        KubeDescheduler: `/apis/operator.openshift.io/v1/namespaces/${ns}/kubedeschedulers`,
        NodeHealthCheck: '/apis/remediation.medik8s.io/v1alpha1/nodehealthchecks',
      };
      return `${base[kind]}/${name}`;
    };

    // 1. A user patch on the HCO overrides one golden value.
    out(`\n${bold('1. User patch')} — ${P}/patch on the HyperConverged overrides the golden batchEvictionSize`);
    const field1 = 'spec.virtualization.workloadUpdateStrategy.batchEvictionSize';
    show('before', at(await admin.get(HCO_PATH), field1));
    await userEdit(HCO_PATH, {
      metadata: { annotations: { [`${P}/patch`]: '[{"op":"replace","path":"/spec/virtualization/workloadUpdateStrategy/batchEvictionSize","value":5}]' } },
    });
    const patched = await waitFor(async () => at(await admin.get(HCO_PATH), field1) === 5);
    show('after', at(await admin.get(HCO_PATH), field1));
    out(`    ${patched ? '✔ the patched value is now the desired state (a PatchApplied Event was recorded)' : '✘ the patch did not take effect'}`);

    // 2. ignore-fields: the user owns one field of a KubeletConfig.
    const kc = find('KubeletConfig');
    out(`\n${bold('2. ignore-fields')} — ${P}/ignore-fields hands one KubeletConfig field to the user`);
    let ignoredOk = false;
    if (kc?.object) {
      const kcPath = pathFor('KubeletConfig', kc.object);
      const field2 = 'spec.kubeletConfig.nodeStatusMaxImages';
      show('before', at(await admin.get(kcPath), field2));
      await userEdit(kcPath, { metadata: { annotations: { [`${P}/ignore-fields`]: '/spec/kubeletConfig/nodeStatusMaxImages' } } });
      await settle();
      await userEdit(kcPath, { spec: { kubeletConfig: { nodeStatusMaxImages: 100 } } });
      await settle();
      const v = at(await admin.get(kcPath), field2);
      show('after', v);
      ignoredOk = v === 100;
      out(`    ${ignoredOk ? `✔ the user's value stays: the operator takes the live value for ${kc.object}` : '✘ the value was reverted'}`);
    } else out('    (no KubeletConfig asset in this catalog)');

    // 3. mode: unmanaged — the operator leaves the object alone.
    const kd = find('KubeDescheduler') ?? find('NodeHealthCheck');
    out(`\n${bold('3. mode: unmanaged')} — ${P}/mode: unmanaged on the ${kd?.kind ?? 'descheduler'}`);
    let unmanagedOk = false;
    if (kd?.object) {
      const p3 = pathFor(kd.kind, kd.object);
      const field3 = kd.kind === 'KubeDescheduler' ? 'spec.deschedulingIntervalSeconds' : 'spec.minHealthy';
      const value3 = kd.kind === 'KubeDescheduler' ? 7200 : '10%';
      show('before', at(await admin.get(p3), field3));
      await userEdit(p3, { metadata: { annotations: { [`${P}/mode`]: 'unmanaged' } } });
      await settle();
      await userEdit(p3, nestFromPath(field3, value3));
      await settle();
      const v = at(await admin.get(p3), field3);
      show('after', v);
      unmanagedOk = v === value3;
      out(`    ${unmanagedOk ? '✔ left alone (an UnmanagedMode Event says why)' : '✘ the operator changed it'}`);
    } else out('    (no descheduler or NodeHealthCheck asset applied)');

    // 4. Drift repair.
    out(`\n${bold('4. Drift repair')} — someone edits a managed field of the HyperConverged`);
    const field4 = 'spec.virtualization.evictionStrategy';
    const want = at(await admin.get(HCO_PATH), field4);
    show('before', want);
    const editedAt = Date.now();
    await userEdit(HCO_PATH, { spec: { virtualization: { evictionStrategy: 'None' } } });
    show('edited', 'None');
    const repaired = await waitFor(async () => at(await admin.get(HCO_PATH), field4) === want);
    show('after', at(await admin.get(HCO_PATH), field4));
    out(`    ${repaired ? `✔ restored in ${Date.now() - editedAt} ms (DriftCorrected Event)` : '✘ not restored'}`);

    const events = (await admin.get<KubeObject & { items: { reason: string }[] }>(`/api/v1/namespaces/${HCO_NS}/events`)).items.map((e) => e.reason);
    out(`\nEvents on the HyperConverged namespace: ${[...new Set(events)].join(', ')}`);
    const passed = [patched, ignoredOk, unmanagedOk, repaired].filter(Boolean).length;
    out(`\n${bold(`${passed}/4 demonstrations succeeded.`)}`);
    out(
      `\nPoke at the cluster:\n  export KUBECONFIG=${cp.kubeconfigPath}\n  ${cp.binaries.kubectl} get hyperconverged,kubeletconfigs,machineconfigs -A\n  ${cp.binaries.kubectl} get events -n ${HCO_NS}\n  node ${OPERATOR_BIN} explain --kubeconfig ${cp.kubeconfigPath}`,
    );
    out(`Operator endpoints: http://127.0.0.1:${metrics}/metrics  http://127.0.0.1:${debug}/debug/explain  http://127.0.0.1:${debug}/debug/render`);
    if (opts.exit) {
      await cleanup();
      process.exit(passed === 4 ? 0 : 1);
    }
    out('\nPress Ctrl-C to stop the operator and the control plane and clean up.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    out('Cleaning up…');
    await cleanup();
  } catch (e) {
    await cleanup();
    throw e;
  }
}

function nestFromPath(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((acc, k) => ({ [k]: acc }), value) as Record<string, unknown>;
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
