// Cluster-wide hardware and topology facts, kept up to date one Node at a time: each Node's
// contribution (the detectors it shows, whether it is a master, a schedulable one) is counted, so
// an event costs the same on 5 nodes as on 5,000, and the facts are read without a scan. Same
// answers as detectHardware/detectTopology over the same projections.
import { DETECTORS, nodeDetectors, type Hardware, type NodeProjection } from './hardware.js';
import { isMaster, masterSchedulable, type Topology } from './topology.js';

// One bit per detector, then the topology bits.
const MASTER = 1 << DETECTORS.length;
const SCHEDULABLE_MASTER = MASTER << 1;
const BITS = DETECTORS.length + 2;

function contribution(n: NodeProjection): number {
  let bits = 0;
  for (const d of nodeDetectors(n)) bits |= 1 << DETECTORS.indexOf(d);
  if (isMaster(n)) bits |= MASTER | (masterSchedulable(n) ? SCHEDULABLE_MASTER : 0);
  return bits;
}

export class NodeFacts {
  private readonly bits = new Map<string, number>();
  private readonly counts: number[] = new Array<number>(BITS).fill(0);

  private count(bits: number, by: number): void {
    for (let i = 0; i < BITS; i++) if (bits & (1 << i)) this.counts[i]! += by;
  }

  /** Sets (or, with undefined, removes) a node's projection. */
  set(name: string, n: NodeProjection | undefined): void {
    const old = this.bits.get(name);
    if (old !== undefined) this.count(old, -1);
    if (!n) {
      this.bits.delete(name);
      return;
    }
    const bits = contribution(n);
    this.bits.set(name, bits);
    this.count(bits, 1);
  }

  /** Changes exactly when a fact of hardware() or topology() changes (the counts aside). */
  signature(): number {
    let sig = 0;
    for (let i = 0; i < BITS; i++) if (i !== DETECTORS.length && this.counts[i]! > 0) sig |= 1 << i; // the master count is no fact
    const nodes = this.bits.size;
    if (nodes - this.counts[DETECTORS.length]! > 0) sig |= 1 << BITS; // hasDedicatedWorkers
    if (nodes === 1) sig |= 1 << (BITS + 1); // singleNode
    return sig;
  }

  get size(): number {
    return this.bits.size;
  }

  hardware(): Hardware {
    return Object.fromEntries(DETECTORS.map((d, i) => [d, this.counts[i]! > 0])) as Hardware;
  }

  topology(): Topology {
    const nodes = this.bits.size;
    const masters = this.counts[DETECTORS.length]!;
    return {
      nodes,
      masters,
      workers: nodes - masters,
      hasSchedulableMasters: this.counts[DETECTORS.length + 1]! > 0,
      hasDedicatedWorkers: nodes - masters > 0,
      singleNode: nodes === 1,
    };
  }
}
