// `npm run bench`: the operator's runtime figures on the local control plane, measured on the
// operator run as a process with the Deployment's Node flags (not part of npm test; timings are
// facts about this machine). One run prints every figure:
//   1. cold start: CPU (user+sys) and wall time from spawn to every eligible asset applied; RSS
//   2. drift repair: a user edit of a managed field → restored (p50/p95/p99), with the requests
//      and Events per repair counted in the API server's audit log
//   3. idle: CPU, requests (audit log) and Events over an idle window with no traffic; RSS after
//   4. a burst of new Nodes (≈40 labels, 50 images each): CPU to take them in, peak RSS, and the
//      watches the API server closed because the operator did not keep up (its own log)
// CPU time is robust to a busy machine; wall-clock figures are not (the machine load is printed).
import type { AssetReport } from '../operator/chain/asset-report.js';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { startControlPlane } from '../localcluster/controlplane.js';
import { crdDir, installCrds, loadCrds } from '../localcluster/crds.js';
import { localOperatorArgs, OperatorProcess, OPERATOR_BIN } from '../localcluster/operator-process.js';
import { imageNodeFlags } from './image-flags.js';
import { KubeClient } from '../operator/kube/client.js';
import { isStatus } from '../operator/kube/errors.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { HCO_NAME } from '../operator/vocabulary/hco.js';
import { defaultAssetsDir } from '../operator/paths.js';
import {
  cpuByThread,
  cpuSeconds,
  describeRequests,
  driftParts,
  describeThreadCpu,
  peakRssMb,
  readAudit,
  requestsBetween,
  resetPeakRss,
  rssMb,
  unresponsiveWatchCloses,
} from './bench-probes.js';
import { benchNode } from './bench-node.js';
import { IMAGE_BUNDLE } from './image-bundle.js';

const { values: opts } = parseArgs({
  options: {
    'assets-dir': { type: 'string', default: defaultAssetsDir() },
    // The operator's entry point: the bundled file the image runs (npm run build makes it).
    bin: { type: 'string', default: existsSync(IMAGE_BUNDLE) ? IMAGE_BUNDLE : OPERATOR_BIN },
    edits: { type: 'string', default: '60' },
    'idle-seconds': { type: 'string', default: '120' },
    nodes: { type: 'string', default: '5000' },
    images: { type: 'string', default: '50' },
    // The flags of the Deployment's NODE_OPTIONS and of the image's ENTRYPOINT.
    'node-flags': { type: 'string', default: imageNodeFlags().join(' ') },
    'resync-period': { type: 'string', default: '10m' },
    // Extra Node flags for the operator only, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof.
    profile: { type: 'string', default: '' },
    // Start the operator on CRDs nothing has read yet (see warmWatchCaches).
    'fresh-crds': { type: 'boolean', default: false },
  },
});
const EDITS = Number(opts.edits);
const IDLE_S = Number(opts['idle-seconds']);
const NODES = Number(opts.nodes);
const IMAGES = Number(opts.images);
const HCO_NS = 'openshift-cnv';
const OP_NS = 'virt-platform-operator';
const OP_USER = `system:serviceaccount:${OP_NS}:virt-platform-operator`;

const say = (s: string): void => void process.stdout.write(s + '\n');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function explain(port: number): Promise<AssetReport[]> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/debug/explain`)).json()) as AssetReport[];
  } catch {
    return [];
  }
}

async function metric(port: number, re: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m) sum += Number(m[1]);
  }
  return sum;
}

/**
 * Lists each custom resource once, until the API server serves it. The server starts a CRD's
 * watch cache on the first request for it and answers 429 "storage is (re)initializing" (Retry-After
 * 1 s) until it is ready; on a running cluster each CRD's own operator has long since done that.
 * Without this the cold start measures the operator's lists waiting a second each, and a world
 * pass per kind that fills late.
 */
async function warmWatchCaches(admin: KubeClient, crds: KubeObject[]): Promise<void> {
  type Crd = { spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] } };
  await Promise.all(
    crds.map(async (o) => {
      const { spec } = o as unknown as Crd;
      const version = spec.versions.find((v) => v.served)?.name;
      const path = `/apis/${spec.group}/${version}/${spec.names.plural}`;
      for (let i = 0; ; i++) {
        try {
          return void (await admin.get(path, { limit: 1 }));
        } catch (e) {
          if (i >= 100 || !isStatus(e, 429)) throw e;
          await sleep(200);
        }
      }
    }),
  );
}

/** Namespaces the catalog's namespaced objects go to, from an offline render. */
function targetNamespaces(kubectlRenderYaml: string): string[] {
  const ns = new Set<string>();
  for (const d of yaml.loadAll(kubectlRenderYaml)) {
    const o = d as KubeObject | null;
    if (o?.metadata?.namespace) ns.add(o.metadata.namespace);
  }
  return [...ns];
}

/** A numeric leaf of the object's spec to edit (numbers take any other value; enums would not). */
function editablePath(o: KubeObject): { path: string[]; value: number } | undefined {
  const walk = (v: unknown, at: string[]): { path: string[]; value: number } | undefined => {
    if (typeof v === 'number') return { path: at, value: v + 1 };
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, c] of Object.entries(v)) {
        const hit = walk(c, [...at, k]);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return walk(o.spec, ['spec']);
}

const nest = (path: string[], value: unknown): Record<string, unknown> =>
  path.reduceRight<unknown>((acc, k) => ({ [k]: acc }), value) as Record<string, unknown>;
const at = (o: unknown, path: string[]): unknown => path.reduce<unknown>((acc, k) => (acc as Record<string, unknown> | undefined)?.[k], o);

/** The API server's count of watchers it terminated because they did not keep up. */
function terminatedWatchers(kubectl: string, kubeconfig: string): number {
  const text = execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'get', '--raw', '/metrics'], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  let n = 0;
  for (const m of text.matchAll(/^apiserver_terminated_watchers_total\{[^}]*\} (\d+)/gm)) n += Number(m[1]);
  return n;
}

async function main(): Promise<void> {
  say(`virt-platform-operator bench — ${new Date().toISOString()}; operator ${opts.bin}; node flags "${opts['node-flags']}"; load average ${load()}`);
  // The audit log counts the operator's requests; cache_watcher at V(1) logs forced watch closes.
  const cp = await startControlPlane({ progress: (l) => say(l), audit: true, apiServerFlags: ['--vmodule=cache_watcher=1'] });
  try {
    const admin = cp.admin;
    const crds = loadCrds(crdDir());
    await installCrds(admin, crds);
    if (!opts['fresh-crds']) await warmWatchCaches(admin, crds);
    say(
      `control plane ready; CRDs from ${crdDir()}${opts['fresh-crds'] ? ' (fresh: their watch caches start on the first request)' : ' (their watch caches warm, as on a running cluster)'}`,
    );
    for (const ns of [HCO_NS, OP_NS]) await admin.create('/api/v1/namespaces', { metadata: { name: ns } });
    // The operator runs as its own ServiceAccount, so the audit log tells its requests apart.
    await admin.create(`/api/v1/namespaces/${OP_NS}/serviceaccounts`, { metadata: { name: 'virt-platform-operator' } });
    await admin.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'bench-virt-platform-operator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'virt-platform-operator', namespace: OP_NS }],
    });
    const tr = await admin.create<KubeObject & { status: { token: string } }>(`/api/v1/namespaces/${OP_NS}/serviceaccounts/virt-platform-operator/token`, {
      spec: { expirationSeconds: 7200 },
    });
    const kubeconfig = `${cp.dir}/operator.kubeconfig`;
    writeFileSync(kubeconfig, cp.kubeconfigForToken(tr.status.token, OP_USER).exportConfig(), { mode: 0o600 });
    const hco = {
      apiVersion: 'hco.kubevirt.io/v1',
      kind: 'HyperConverged',
      metadata: { name: HCO_NAME, namespace: HCO_NS, annotations: { 'platform.kubevirt.io/autopilot': 'true' } },
      spec: {},
    };
    await admin.create(`/apis/hco.kubevirt.io/v1/namespaces/${HCO_NS}/hyperconvergeds`, hco);
    // Target namespaces first, so every eligible asset can be applied.
    const hcoFile = `${cp.dir}/hco.yaml`;
    writeFileSync(hcoFile, yaml.dump(hco));
    const cli = (output: string): string =>
      execFileSync(
        process.execPath,
        [opts.bin, 'render', '--hco-file', hcoFile, '--assets-dir', opts['assets-dir'], '--crds-dir', crdDir(), '--output', output],
        { encoding: 'utf8' },
      );
    const rendered = cli('yaml');
    const assetCount = (JSON.parse(cli('json')) as unknown[]).length;
    for (const ns of targetNamespaces(rendered))
      await admin.create('/api/v1/namespaces', { metadata: { name: ns } }).catch((e: unknown) => {
        if (!isStatus(e, 409)) throw e;
      });

    const local = await localOperatorArgs({ kubeconfig, namespace: HCO_NS });
    const { metrics, debug } = local;
    const args = [
      ...local.args,
      '--assets-dir',
      opts['assets-dir'],
      '--throttle-burst',
      '100000',
      '--resync-period',
      opts['resync-period'],
      '--log-level',
      'warn',
    ];
    const nodeFlags = [...opts['node-flags'].split(' '), ...opts.profile.split(' ')].filter(Boolean);

    // 1. Cold start.
    const t0 = Date.now();
    const op = new OperatorProcess(args, {}, nodeFlags, opts.bin);
    const pid = op.pid!;
    let reports: AssetReport[] = [];
    for (;;) {
      reports = await explain(debug);
      const done = reports.length === assetCount && reports.every((r) => ['created', 'updated', 'in-sync', 'skipped'].includes(r.status));
      if (done) break;
      if (!op.running) throw new Error(`operator exited: ${op.raw.slice(-5).join('\n')}`);
      if (Date.now() - t0 > 60_000) throw new Error(`not converged after 60 s: ${JSON.stringify(reports)}`);
      // Not faster: every poll is work for the process being measured.
      await sleep(100);
    }
    const coldWall = (Date.now() - t0) / 1000;
    const coldCpu = cpuSeconds(pid);
    const rssConverged = rssMb(pid);
    const heap = async (): Promise<string> => {
      const used = await metric(metrics, /^nodejs_heap_size_used_bytes (\d+)/);
      const total = await metric(metrics, /^nodejs_heap_size_total_bytes (\d+)/);
      return `heap ${(used / 2 ** 20).toFixed(1)} MB used of ${(total / 2 ** 20).toFixed(1)} MB`;
    };
    const applied = reports.filter((r) => r.status !== 'skipped');
    say(
      `\n1. cold start → all ${applied.length} eligible assets applied: CPU ${coldCpu.toFixed(2)} s (user+sys), wall ${coldWall.toFixed(2)} s (process spawn included); load ${load()}`,
    );
    say(`   RSS after convergence: ${rssConverged.toFixed(1)} MB (${await heap()})`);

    // 2. Drift repair latency, measured by a watch on the edited object.
    const target = reports.find((r) => r.kind === 'HyperConverged')!;
    const hcoPath = `/apis/hco.kubevirt.io/v1/namespaces/${HCO_NS}/hyperconvergeds/${HCO_NAME}`;
    const desired = (yaml.loadAll(await (await fetch(`http://127.0.0.1:${debug}/debug/render`)).text()) as KubeObject[]).find(
      (o) => o?.kind === 'HyperConverged',
    )!;
    const edit = editablePath(desired);
    if (!target || !edit) throw new Error('no HyperConverged field to edit');
    const want = at(desired, edit.path);
    const watcher = new KubeClient(cp.kubeconfigForToken(cp.adminToken, 'bench'), 'bench-watch');
    let restoredAt: ((t: number) => void) | undefined;
    const ac = await watcher.watch(
      `/apis/hco.kubevirt.io/v1/namespaces/${HCO_NS}/hyperconvergeds`,
      { fieldSelector: `metadata.name=${HCO_NAME}` },
      (_t, o) => {
        if (JSON.stringify(at(o, edit.path)) === JSON.stringify(want)) restoredAt?.(Date.now());
      },
      () => undefined,
    );
    await sleep(1000);
    const driftFrom = Date.now();
    const latencies: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const restored = new Promise<number>((r) => (restoredAt = r));
      const value = edit.value + i;
      const sent = Date.now(); // before the request: the figure includes the edit's own round trip
      await admin.mergePatch(hcoPath, nest(edit.path, value), 'bench-user');
      latencies.push((await Promise.race([restored, sleep(10_000).then(() => NaN)])) - sent);
      restoredAt = undefined;
      await sleep(50);
    }
    await sleep(1000);
    const driftTo = Date.now();
    ac.abort();
    watcher.close();
    const ok = latencies.filter((x) => !Number.isNaN(x));
    say(
      `\n2. drift repair (${edit.path.join('.')}), user edit → restored, ${ok.length}/${EDITS} edits: p50 ${pct(ok, 50)} ms, p95 ${pct(ok, 95)} ms, p99 ${pct(ok, 99)} ms, max ${Math.max(...ok)} ms; load ${load()}`,
    );

    // 3. Idle: nothing changes for IDLE_S seconds.
    await sleep(5000);
    const idleFrom = Date.now();
    const idleCpu0 = cpuSeconds(pid);
    const idleThreads0 = cpuByThread(pid);
    await sleep(IDLE_S * 1000);
    const idleCpu = cpuSeconds(pid) - idleCpu0;
    const idleThreads = describeThreadCpu(idleThreads0, cpuByThread(pid));
    const idleTo = Date.now();
    const rssIdle = rssMb(pid);
    await sleep(1500); // the audit log is written when a request completes
    const audit = readAudit(cp.auditLogPath!);
    const driftReqs = requestsBetween(audit, OP_USER, driftFrom, driftTo);
    const idleReqs = requestsBetween(audit, OP_USER, idleFrom, idleTo);
    const events = (xs: typeof audit): number => xs.filter((e) => e.verb === 'create' && e.resource === 'events').length;
    say(
      `   requests per repair (audit log): ${(driftReqs.length / EDITS).toFixed(2)} (${describeRequests(driftReqs)} for ${EDITS} repairs); Events per repair: ${(events(driftReqs) / EDITS).toFixed(2)}`,
    );
    const parts = driftParts(
      audit.filter((e) => e.received >= driftFrom && e.received < driftTo),
      OP_USER,
      'hyperconvergeds',
    );
    const both = (xs: number[]): string => (xs.length ? `${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)} ms` : 'n/a');
    say(
      `   where a repair's time goes (audit log, p50 / p95 of ${parts.length}): the user's edit in the API server ${both(parts.map((p) => p.edit))}; edit answered → the operator's write received ${both(parts.map((p) => p.reaction))}; the operator's write in the API server ${both(parts.map((p) => p.repair))}`,
    );
    say(
      `\n3. idle ${IDLE_S} s, no traffic: CPU ${idleCpu.toFixed(3)} s; ${idleReqs.length} requests (audit log: ${describeRequests(idleReqs)}), ${events(idleReqs)} Events; load ${load()}`,
    );
    say(`   idle CPU by thread: ${idleThreads}`);
    say(`   RSS after ${IDLE_S} idle seconds: ${rssIdle.toFixed(1)} MB (${await heap()})`);

    // 4. A burst of new Nodes.
    const closedBefore = terminatedWatchers(cp.binaries.kubectl, cp.kubeconfigPath);
    const logLinesBefore = unresponsiveWatchCloses(cp.apiServerLogPath).length;
    resetPeakRss(pid);
    const burstCpu0 = cpuSeconds(pid);
    const tn = Date.now();
    const queue = Array.from({ length: NODES }, (_, i) => i);
    let peakDuring = 0;
    const sampler = setInterval(() => (peakDuring = Math.max(peakDuring, rssMb(pid))), 200);
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let n = queue.shift(); n !== undefined; n = queue.shift()) await admin.create('/api/v1/nodes', benchNode(n, IMAGES));
      }),
    );
    const createdS = (Date.now() - tn) / 1000;
    // Taken in: the operator holds every Node and its CPU has stopped moving (1 s without 20 ms).
    // Then, separately, the capacity scan (a paginated list of full Nodes for device-plugin
    // resources, which the operator runs no sooner than max(10 s, 50 ms per Node) after its previous
    // one): done when it has read every Node. Before that split, one figure held both.
    const scrape = async (): Promise<{ seen: number; scanned: number | undefined }> => {
      const text = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
      const scanGauge = /^virt_platform_node_capacity_scanned_nodes (\d+)/m.exec(text);
      return {
        seen: Number(/^virt_platform_watched_objects\{informer="nodes"\} (\d+)/m.exec(text)?.[1] ?? 0),
        scanned: scanGauge ? Number(scanGauge[1]) : undefined,
      };
    };
    /** Polls (asking the process only once it is quiet: every scrape is work for it) until `done`. */
    const quietUntil = async (done: (s: { seen: number; scanned: number | undefined }) => boolean): Promise<{ seen: number; scanned: number | undefined }> => {
      let last = cpuSeconds(pid);
      for (let i = 0; i < 900; i++) {
        await sleep(1000);
        const now = cpuSeconds(pid);
        const quiet = now - last < 0.02;
        last = now;
        if (!quiet) continue;
        const s = await scrape();
        if (done(s)) return s;
        last = cpuSeconds(pid);
      }
      throw new Error('the operator did not take the Nodes in within 15 minutes');
    };
    const intake = await quietUntil((s) => s.seen >= NODES);
    const intakeCpu = cpuSeconds(pid) - burstCpu0;
    const intakeS = (Date.now() - tn) / 1000;
    const intakePeak = Math.max(peakRssMb(pid), peakDuring);
    const scan = intake.scanned === undefined ? intake : await quietUntil((s) => (s.scanned ?? 0) >= NODES);
    const scanCpu = cpuSeconds(pid) - burstCpu0 - intakeCpu;
    const scanned = scan.scanned;
    const burstCpu = intakeCpu + scanCpu;
    const takenS = (Date.now() - tn) / 1000;
    clearInterval(sampler);
    const peak = Math.max(peakRssMb(pid), peakDuring);
    const closes = unresponsiveWatchCloses(cp.apiServerLogPath).slice(logLinesBefore);
    const nodeCloses = closes.filter((l) => /Forcing \/?nodes watcher close/.test(l) || / nodes watcher close/.test(l));
    const terminated = terminatedWatchers(cp.binaries.kubectl, cp.kubeconfigPath) - closedBefore;
    say(
      `\n4. ${NODES} new Nodes (≈40 labels, ${IMAGES} images each; created in ${createdS.toFixed(0)} s): taken in (all ${intake.seen} in the operator's cache) after ${intakeS.toFixed(0)} s: CPU ${intakeCpu.toFixed(2)} s (${((intakeCpu / NODES) * 1000).toFixed(2)} ms per Node); load ${load()}`,
    );
    if (scanned !== undefined)
      say(
        `   capacity scan (${scanned} Nodes read) done ${takenS.toFixed(0)} s after the burst began: CPU ${scanCpu.toFixed(2)} s; both: ${burstCpu.toFixed(2)} s`,
      );
    say(
      `   RSS peak while taking them in: ${intakePeak.toFixed(1)} MB; with the scan: ${peak.toFixed(1)} MB; RSS after: ${rssMb(pid).toFixed(1)} MB (${await heap()})`,
    );
    say(
      `   watches closed for unresponsiveness: ${closes.length} in the API server log (${nodeCloses.length} of them on nodes), apiserver_terminated_watchers_total +${terminated}`,
    );
    for (const l of closes.slice(0, 5)) say(`     ${l.trim()}`);

    const stopped = Date.now();
    await op.stop();
    say(`\n   graceful shutdown (SIGTERM → exit): ${Date.now() - stopped} ms`);
    say(
      `\nsummary | RSS converged ${rssConverged.toFixed(0)} MB | RSS idle ${rssIdle.toFixed(0)} MB | idle CPU ${idleCpu.toFixed(3)} s/${IDLE_S} s | cold CPU ${coldCpu.toFixed(2)} s | ${NODES} Nodes CPU ${intakeCpu.toFixed(2)} s (+ scan ${scanCpu.toFixed(2)} s) | burst RSS peak ${intakePeak.toFixed(0)} MB (${peak.toFixed(0)} with the scan) | unresponsive closes ${closes.length} | drift p50 ${pct(ok, 50)} p95 ${pct(ok, 95)} ms (operator's reaction ${both(parts.map((p) => p.reaction))}) | ${(driftReqs.length / EDITS).toFixed(2)} req/repair | idle requests ${idleReqs.length} | ${(events(driftReqs) / EDITS).toFixed(2)} Events/repair | load ${load()}`,
    );
  } finally {
    await cp.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
