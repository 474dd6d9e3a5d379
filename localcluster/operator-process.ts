// Runs the built operator binary as a child process and collects its JSON log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { repoPath } from '../scripts/repo.js';
import { freePorts } from './controlplane.js';

export const OPERATOR_BIN = repoPath('dist', 'operator', 'bin', 'virt-platform-operator.js');

export interface LogLine {
  level?: string;
  message?: string;
  [k: string]: unknown;
}

export class OperatorProcess {
  readonly lines: LogLine[] = [];
  readonly raw: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}, nodeFlags: string[] = [], bin = OPERATOR_BIN) {
    this.child = spawn(process.execPath, [...nodeFlags, bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.raw.push(line);
        try {
          this.lines.push(JSON.parse(line) as LogLine);
        } catch {
          this.lines.push({ message: line });
        }
      }
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((r) => this.child.on('exit', (code) => r(code)));
    // Never outlive the process that started it (a crashed test or bench).
    const reap = (): void => this.kill('SIGKILL');
    process.on('exit', reap);
    void this.exited.then(() => process.off('exit', reap));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.running) this.child.kill(signal);
  }

  async stop(): Promise<number | null> {
    this.kill('SIGTERM');
    const t = setTimeout(() => this.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }

  count(pred: (l: LogLine) => boolean): number {
    return this.lines.filter(pred).length;
  }

  async waitForLog(re: RegExp, timeoutMs = 20_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find((l) => re.test(l.message ?? ''));
      if (hit) return hit;
      if (!this.running) throw new Error(`operator exited before logging ${re}; last lines:\n${this.raw.slice(-20).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for log ${re}; last lines:\n${this.raw.slice(-20).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The operator's three endpoints on free local ports. */
export interface LocalEndpoints {
  health: number;
  metrics: number;
  debug: number;
  /** The flags that bind them (metrics plain HTTP unless `metricsSecure`). */
  args: string[];
}

/**
 * Free local ports for the probes, metrics and debug views of an operator run against a local
 * control plane, with the `--kubeconfig`/`--namespace` flags every such run starts with.
 */
export async function localOperatorArgs(o: { kubeconfig: string; namespace: string; metricsSecure?: boolean }): Promise<LocalEndpoints> {
  const [health, metrics, debug] = (await freePorts(3)) as [number, number, number];
  const args = ['--kubeconfig', o.kubeconfig, '--namespace', o.namespace];
  args.push('--health-probe-bind-address', `127.0.0.1:${health}`, '--metrics-bind-address', `127.0.0.1:${metrics}`);
  if (!o.metricsSecure) args.push('--metrics-secure=false');
  args.push('--debug-bind-address', `127.0.0.1:${debug}`);
  return { health, metrics, debug, args };
}

export { freePorts };
