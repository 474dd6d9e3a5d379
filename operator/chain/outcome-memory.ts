// What the chain remembers of each asset's last outcome, so that only transitions make Events: the
// outcome's signature, whether it was "CRD missing" (its end is CRDDiscovered), and the patch text
// that last took effect in a write (one PatchApplied per distinct patch). Keyed by asset name;
// nothing else is kept here.
export interface Remembered {
  readonly signature: string;
  readonly missingCrd: boolean;
  readonly patchHash?: string;
}

export class OutcomeMemory {
  private readonly last = new Map<string, Remembered>();

  get(asset: string): Remembered | undefined {
    return this.last.get(asset);
  }

  set(asset: string, r: Remembered): void {
    this.last.set(asset, r);
  }
}
