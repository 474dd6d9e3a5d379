// Composes the chain's steps. A step receives its stage and either answers an Outcome or hands a
// new stage to `next`; `chain<AssetRun>().then(a).then(b).end(terminal)` only type-checks when
// each step takes what the one before it hands on. Every outcome leaves the chain saying what it
// is about (its Subject, from the stage it was given at), and an error thrown by a step leaves it
// as a StepFailure carrying the same, so the outermost step can name the object either way.
import type { Outcome, Subject } from './outcome.js';
import { subjectOf, type AssetRun } from './run.js';

export type Step<I, O> = (run: I, next: (run: O) => Promise<Outcome>) => Promise<Outcome>;
export type Terminal<I> = (run: I) => Promise<Outcome>;
/** A whole chain: one asset in, its outcome out. */
export type Chain = (run: AssetRun) => Promise<Outcome>;

export class StepFailure extends Error {
  override name = 'StepFailure';

  constructor(
    override readonly cause: unknown,
    readonly subject: Subject | undefined,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

type Link = (run: AssetRun, next: (run: AssetRun) => Promise<Outcome>) => Promise<Outcome>;

async function about(run: AssetRun, answer: () => Promise<Outcome>): Promise<Outcome> {
  let o: Outcome;
  try {
    o = await answer();
  } catch (e) {
    throw e instanceof StepFailure ? e : new StepFailure(e, subjectOf(run));
  }
  if (o.subject) return o;
  const subject = subjectOf(run);
  return subject ? { ...o, subject } : o;
}

export class ChainBuilder<First extends AssetRun, Last extends AssetRun> {
  constructor(private readonly links: readonly Link[] = []) {}

  then<Next extends AssetRun>(step: Step<Last, Next>): ChainBuilder<First, Next> {
    return new ChainBuilder<First, Next>([...this.links, step as unknown as Link]);
  }

  end(terminal: Terminal<Last>): (run: First) => Promise<Outcome> {
    const links = this.links;
    const last = terminal as unknown as (run: AssetRun) => Promise<Outcome>;
    const at = (i: number, run: AssetRun): Promise<Outcome> => {
      const link = links[i];
      return about(run, () => (link ? link(run, (r) => at(i + 1, r)) : last(run)));
    };
    return (run) => at(0, run);
  }
}

export function chain<T extends AssetRun>(): ChainBuilder<T, T> {
  return new ChainBuilder<T, T>();
}
