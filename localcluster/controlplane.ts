// A local Kubernetes control plane for tests and the demo: real etcd + real kube-apiserver on
// loopback ports, RBAC authorization, a system:masters admin token, service-account signing
// keys (TokenRequest works), and a generated kubeconfig. Everything it starts is stopped and
// its temp folder removed on stop(), on process exit and on SIGINT/SIGTERM; folders left by a
// run that was SIGKILLed are reaped by the next start.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../operator/kube/client.js';
import { ensureBinaries, type Binaries } from './binaries.js';

const DIR_PREFIX = 'vpo-envtest-';

export interface ControlPlane {
  dir: string;
  server: string;
  kubeconfigPath: string;
  adminToken: string;
  binaries: Binaries;
  /** The API server's audit log (JSON lines), when started with `audit`. */
  auditLogPath?: string;
  /** The API server's own log (e.g. watch closes). */
  apiServerLogPath: string;
  /** A client authenticated as the admin (system:masters). */
  admin: KubeClient;
  /** A kubeconfig for another bearer token (e.g. a ServiceAccount's TokenRequest token). */
  kubeconfigForToken(token: string, user: string): KubeConfig;
  /** Restarts kube-apiserver on the same port and storage (for resilience tests). */
  restartApiServer(): Promise<void>;
  /** Kills one process at once (SIGKILL, as a crash would) and waits until it is gone. */
  kill(name: 'etcd' | 'kube-apiserver'): Promise<void>;
  /** Starts a killed process again on the same ports and data, and waits until it is ready. */
  start(name: 'etcd' | 'kube-apiserver'): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  progress?: (line: string) => void;
  /** Kill everything and exit on SIGINT/SIGTERM (default). Callers with their own shutdown pass
   *  false; the processes are still killed when this process exits. */
  handleSignals?: boolean;
  /** Write an audit log of every request (level Metadata, one line per request once complete,
   *  plus one when a watch's response starts): the bench counts the operator's requests in it. */
  audit?: boolean;
  /** More kube-apiserver flags (e.g. --vmodule to log what the bench looks for). */
  apiServerFlags?: string[];
}

// Metadata level: who, verb, resource, timestamps; no bodies. RequestReceived is left out so a
// request is one line (a watch also logs ResponseStarted, as it may never complete).
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
`;

/** A kubeconfig for the local control plane that authenticates with a bearer token. */
export function tokenKubeconfig(server: string, caFile: string, token: string, user: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'envtest', server, caFile }],
    users: [{ name: user, token }],
    contexts: [{ name: 'envtest', cluster: 'envtest', user }],
    currentContext: 'envtest',
  });
  return kc;
}

/** Distinct free loopback ports: all are held open until every one is known, so none repeats. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const srv = net.createServer();
          srv.on('error', reject);
          srv.listen(0, '127.0.0.1', () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills what dead runs left behind (their owner process is gone) and removes their folders. */
function reapStale(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (owner && alive(owner)) continue;
      for (const f of readdirSync(dir).filter((f) => f.endsWith('.pid') && f !== 'owner.pid')) {
        const pid = Number(readFileSync(join(dir, f), 'utf8'));
        if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
      }
    } catch {
      // unreadable leftovers are removed below all the same
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, failed?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = failed?.();
    if (why) throw new Error(`${what}: ${why}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

class Proc {
  child: ChildProcess | undefined;
  exited: string | undefined;

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly bin: string,
    readonly args: string[],
  ) {}

  get log(): string {
    return join(this.dir, `${this.name}.log`);
  }

  start(): void {
    const fd = openSync(this.log, 'a');
    this.exited = undefined;
    const child = spawn(this.bin, this.args, { stdio: ['ignore', fd, fd], detached: false });
    closeSync(fd);
    this.child = child;
    writeFileSync(join(this.dir, `${this.name}.pid`), String(child.pid));
    child.on('exit', (code, sig) => {
      this.exited = `${this.name} exited (${sig ?? code}); last log lines:\n${tail(this.log)}`;
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.exited !== undefined) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }

  killNow(): void {
    if (this.child && this.exited === undefined) this.child.kill('SIGKILL');
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || this.exited !== undefined) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await gone;
  }
}

export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const progress = opts.progress ?? ((l: string) => process.stderr.write(l + '\n'));
  reapStale();
  const binaries = await ensureBinaries(progress);
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const [etcdPort, peerPort, apiPort] = (await freePorts(3)) as [number, number, number];

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  const adminToken = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${adminToken},admin,admin-uid,"system:masters"\n`);

  const etcd = new Proc('etcd', dir, binaries.etcd, [
    `--data-dir=${join(dir, 'etcd-data')}`,
    `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
    '--unsafe-no-fsync', // test data: durability is not worth the latency
    '--log-level=warn',
  ]);
  const auditLogPath = opts.audit ? join(dir, 'audit.log') : undefined;
  if (opts.audit) writeFileSync(join(dir, 'audit-policy.yaml'), AUDIT_POLICY);
  const auditFlags = auditLogPath
    ? [`--audit-policy-file=${join(dir, 'audit-policy.yaml')}`, `--audit-log-path=${auditLogPath}`, '--audit-log-format=json', '--audit-log-maxsize=0']
    : [];
  const apiserver = new Proc('kube-apiserver', dir, binaries.kubeApiserver, [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--cert-dir=${join(dir, 'certs')}`,
    '--authorization-mode=RBAC',
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--allow-privileged=true',
    '--enable-priority-and-fairness=false',
    '--v=0',
    ...auditFlags,
    ...(opts.apiServerFlags ?? []),
  ]);
  const procs = [apiserver, etcd];

  let stopped = false;
  const killAllNow = (): void => {
    for (const p of procs) p.killNow();
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    killAllNow();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', killAllNow);
  if (opts.handleSignals !== false) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    admin?.close();
    for (const p of procs) await p.stop();
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', killAllNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };

  let admin: KubeClient | undefined;
  const startEtcd = async (): Promise<void> => {
    etcd.start();
    await waitFor(
      'etcd',
      30_000,
      async () => {
        const res = await fetch(`http://127.0.0.1:${etcdPort}/health`);
        return res.ok && ((await res.json()) as { health?: string }).health === 'true';
      },
      () => etcd.exited,
    );
  };
  try {
    await startEtcd();
    const server = `https://127.0.0.1:${apiPort}`;
    const caFile = join(dir, 'certs', 'apiserver.crt');
    const kubeconfigFor = (token: string, user: string): KubeConfig => tokenKubeconfig(server, caFile, token, user);
    const startApi = async (): Promise<void> => {
      apiserver.start();
      await waitFor(
        'kube-apiserver',
        60_000,
        async () => {
          if (!existsSync(caFile)) return false;
          await admin!.request('GET', '/readyz');
          return true;
        },
        () => apiserver.exited,
      );
    };
    admin = new KubeClient(kubeconfigFor(adminToken, 'admin'), 'envtest-admin');
    await startApi();
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, admin.config.exportConfig());
    return {
      dir,
      server,
      kubeconfigPath,
      adminToken,
      binaries,
      auditLogPath,
      apiServerLogPath: apiserver.log,
      admin,
      kubeconfigForToken: kubeconfigFor,
      restartApiServer: async () => {
        await apiserver.stop();
        await startApi();
      },
      kill: (name) => (name === 'etcd' ? etcd : apiserver).kill(),
      start: (name) => (name === 'etcd' ? startEtcd() : startApi()),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
