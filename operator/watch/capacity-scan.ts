// Extended-resource capacity keys of every Node (device plugins: nvidia.com/gpu,
// intel.com/sriov_netdevice, KubeVirt's permitted host devices). They live in status, which the
// metadata-only Node watch does not carry, and parsing every full Node update (50 images each)
// is what made Nodes expensive. So they come from a paginated list of full Nodes, kept only as
// those keys, run after the Node watch has shown changes:
//   - once changes have been quiet for a moment (a burst of changes is one scan),
//   - but no later than `spacing` after the first change (constant churn is still scanned),
//   - and never sooner than `spacing` after the previous scan, spacing = max(10 s, 50 ms per
//     Node): reading a Node costs ≈0.1 ms, so scanning takes at most ≈0.2% of a core.
// No change, no request. The price is latency: a device plugin appearing on a 5,000-Node cluster
// is seen within ≈4 minutes (labels, NFD's included, are seen at once). The list is read in the
// protobuf form, where the rest of a Node is skipped unread (node-capacity-proto.ts), each Node as
// soon as its bytes are in (a page is never held whole); JSON when a server or proxy answers so.
import { extendedCapacityKeys } from '../catalog/hardware.js';
import type { KubeClient } from '../kube/client.js';
import { nodeCapacityListStream, type NodeCapacity } from '../kube/node-capacity-proto.js';
import { isProtobuf, PROTOBUF } from '../kube/protobuf.js';
import type { KubeList } from '../vocabulary/object.js';
import { describeError } from '../kube/errors.js';
import { log } from '../log.js';
import { exponentialBackoff } from '../util/backoff.js';
import { Sleeper } from '../util/sleeper.js';

/** Between failed first scans: 0.5 s doubling to 30 s. */
const RETRY_BACKOFF = { baseMs: 500, maxMs: 30_000 };

export interface CapacityScanOptions {
  /** Spacing of scans: at least this long (default 10 s)... */
  minIntervalMs?: number;
  /** ...and this long per Node (default 50 ms). */
  perNodeMs?: number;
  /** Changes quiet for this long: scan now (default 2 s). */
  quietMs?: number;
  pageSize?: number;
}

export class CapacityScan {
  /** Capacity keys of the Nodes that have any (most have none). */
  private keys = new Map<string, string[]>();
  private lastScan = 0;
  private firstChange = 0;
  private lastChange = 0;
  private nodesSeen = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private readonly sleeper = new Sleeper();
  private failures = 0;
  /** Completed scans (metrics, the bench). */
  scans = 0;

  constructor(
    private readonly client: KubeClient,
    /** Called after a scan with the Nodes whose keys changed. */
    private readonly onChange: (nodes: string[]) => void,
    /** How many Nodes there are now (the spacing grows with it). */
    private readonly nodeCount: () => number,
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
      this.running = true;
      const ok = await this.scan();
      this.running = false;
      if (ok || this.stopped) break;
      await this.sleeper.sleep(exponentialBackoff(RETRY_BACKOFF, this.failures));
    }
    this.arm();
  }

  /** A Node changed. Cheap: it only notes the time (one timer serves a whole burst). */
  nodeChanged(): void {
    const now = Date.now();
    this.lastChange = now;
    this.firstChange ||= now;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.sleeper.wakeAll();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private spacing(): number {
    return Math.max(this.opts.minIntervalMs ?? 10_000, this.nodeCount() * (this.opts.perNodeMs ?? 50));
  }

  /** When the pending changes should be scanned. */
  private due(): number {
    const spacing = this.spacing();
    const wanted = Math.min(this.lastChange + (this.opts.quietMs ?? 2000), this.firstChange + spacing);
    return Math.max(wanted, this.lastScan + spacing);
  }

  private arm(): void {
    if (this.stopped || this.timer || this.running || !this.firstChange) return;
    this.timer = setTimeout(() => void this.fire(), Math.max(0, this.due() - Date.now()));
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    // Changes that came meanwhile move the time: wait again rather than scan mid-burst.
    if (this.due() > Date.now() + 50) return this.arm();
    this.running = true;
    await this.scan();
    this.running = false;
    this.arm();
  }

  /** Every Node's name and capacity keys, page by page, each Node as its bytes arrive. */
  private async listCapacities(onNode: (node: NodeCapacity) => void): Promise<void> {
    let cont = '';
    do {
      let page: ReturnType<typeof nodeCapacityListStream> | undefined;
      const { body } = await this.client.requestBytes('GET', '/api/v1/nodes', {
        query: { limit: this.opts.pageSize ?? 250, continue: cont || undefined },
        accept: `${PROTOBUF}, application/json;q=0.5`,
        verb: 'list',
        stream: (contentType) => (isProtobuf(contentType) ? (page = nodeCapacityListStream(onNode)).push : undefined),
      });
      if (page) cont = page.end();
      else {
        const list = JSON.parse(body.toString('utf8')) as KubeList<{ metadata?: { name?: string }; status?: { capacity?: Record<string, unknown> } }>;
        for (const n of list.items) onNode({ name: n.metadata?.name ?? '', capacityKeys: Object.keys(n.status?.capacity ?? {}) });
        cont = list.metadata?.continue ?? '';
      }
    } while (cont);
  }

  /** One paginated list; true when it succeeded. Changes noted while it runs need another. */
  private async scan(): Promise<boolean> {
    const started = Date.now();
    const fresh = new Map<string, string[]>();
    let seen = 0;
    try {
      await this.listCapacities((n) => {
        seen++;
        const keys = extendedCapacityKeys(n.capacityKeys);
        if (keys.length) fresh.set(n.name, keys.sort());
      });
    } catch (err) {
      this.failures++;
      this.lastScan = Date.now();
      log.warn('node capacity scan failed; retrying', { error: describeError(err) });
      return false;
    }
    this.failures = 0;
    this.lastScan = Date.now();
    if (this.firstChange <= started) this.firstChange = this.lastChange > started ? this.lastChange : 0;
    this.nodesSeen = seen;
    this.scans++;
    const changed = [...new Set([...fresh.keys(), ...this.keys.keys()])].filter((k) => fresh.get(k)?.join() !== this.keys.get(k)?.join());
    this.keys = fresh;
    log.debug('node capacity scanned', { nodes: seen, withExtendedResources: fresh.size, changed: changed.length, ms: this.lastScan - started });
    if (changed.length) this.onChange(changed);
    return true;
  }
}
