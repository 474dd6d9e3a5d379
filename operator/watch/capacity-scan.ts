// Extended-resource capacity keys of every Node (device plugins: nvidia.com/gpu,
// intel.com/sriov_netdevice, KubeVirt's permitted host devices). They live in status, which the
// metadata-only Node watch does not carry, and parsing every full Node update (50 images each)
// is what made Nodes expensive. So they come from a paginated list of full Nodes, kept only as
// those keys, run when the Node watch has shown a change, and at most once per
// max(10 s, 50 ms per Node): under constant Node churn that bounds the cost to a fraction of a
// percent of a core (≈0.06 ms to read a Node), and with no change there is no request at all. The
// price is latency: a new device plugin on a 5,000-Node cluster is seen within ≈4 minutes.
import { extendedCapacityKeys } from '../catalog/hardware.js';
import type { KubeClient } from '../kube/client.js';
import { describeError } from '../kube/errors.js';
import { log } from '../log.js';

export interface CapacityScanOptions {
  /** Spacing of scans: at least this long (default 10 s)... */
  minIntervalMs?: number;
  /** ...and this long per Node (default 50 ms). */
  perNodeMs?: number;
  /** Wait after the first change, so a burst of changes is one scan (default 1 s). */
  settleMs?: number;
  pageSize?: number;
}

export class CapacityScan {
  /** Capacity keys of the Nodes that have any (most have none). */
  private keys = new Map<string, string[]>();
  private lastScan = 0;
  private nodesSeen = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private pending = false;
  private stopped = false;
  private failures = 0;
  /** Completed scans (metrics, the bench). */
  scans = 0;

  constructor(
    private readonly client: KubeClient,
    /** Called after a scan with the Nodes whose keys changed. */
    private readonly onChange: (nodes: string[]) => void,
    private readonly opts: CapacityScanOptions = {},
  ) {}

  /** The capacity keys of a Node ([] when it has none or was not seen yet). */
  of(node: string): string[] {
    return this.keys.get(node) ?? [];
  }

  /** Nodes the last scan read. */
  get covered(): number {
    return this.nodesSeen;
  }

  /** The first scan; retried until it succeeds (facts must not be computed without it). */
  async start(): Promise<void> {
    for (;;) {
      const scan = this.scan();
      this.running = scan;
      const ok = await scan;
      this.running = undefined;
      if (ok || this.stopped) break;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6))));
    }
    if (this.pending) this.nodeChanged();
  }

  /** A Node changed: schedule a scan, no sooner than the spacing allows. */
  nodeChanged(): void {
    if (this.stopped) return;
    this.pending = true;
    if (this.timer || this.running) return;
    const spacing = Math.max(this.opts.minIntervalMs ?? 10_000, this.nodesSeen * (this.opts.perNodeMs ?? 50));
    const at = Math.max(Date.now() + (this.opts.settleMs ?? 1000), this.lastScan + spacing);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.scan().then(() => {
        this.running = undefined;
        // Changes seen while scanning (or a failed scan) need another one.
        if (this.pending) this.nodeChanged();
      });
    }, at - Date.now());
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One paginated list; true when it succeeded. */
  private async scan(): Promise<boolean> {
    this.pending = false;
    const fresh = new Map<string, string[]>();
    let seen = 0;
    try {
      await this.client.listAll('/api/v1/nodes', {}, this.opts.pageSize ?? 200, (n) => {
        seen++;
        const keys = extendedCapacityKeys((n.status as { capacity?: Record<string, unknown> } | undefined)?.capacity);
        if (keys.length) fresh.set(n.metadata?.name ?? '', keys.sort());
      });
    } catch (err) {
      this.failures++;
      this.pending = true;
      this.lastScan = Date.now();
      log.warn('node capacity scan failed; retrying', { error: describeError(err) });
      return false;
    }
    this.failures = 0;
    this.lastScan = Date.now();
    this.nodesSeen = seen;
    this.scans++;
    const changed = [...new Set([...fresh.keys(), ...this.keys.keys()])].filter((k) => fresh.get(k)?.join() !== this.keys.get(k)?.join());
    this.keys = fresh;
    log.debug('node capacity scanned', { nodes: seen, withExtendedResources: fresh.size, changed: changed.length });
    if (changed.length) this.onChange(changed);
    return true;
  }
}
