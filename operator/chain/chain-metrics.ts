// What the chain reports to metrics (implemented by http/metrics.ts).
import type { Customization, Outcome } from './outcome.js';

export interface ChainMetrics {
  outcome(asset: string, outcome: Outcome, customizations: readonly Customization[]): void;
  thrashing(asset: string): void;
}
