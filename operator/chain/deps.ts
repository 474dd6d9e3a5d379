// What the chain's steps need from the outside world. The operator passes the real thing; the
// offline render CLI passes no client, so steps that would call the API server are not assembled.
import type { KubeClient } from '../kube/client.js';
import type { EventSink } from '../kube/events.js';
import type { ResourceRef } from '../kube/resources.js';
import type { KubeObject } from '../kube/types.js';
import type { Renderer } from '../render/renderer.js';
import type { DriftMemo } from './drift-memo.js';
import type { Throttle } from './token-bucket.js';
import type { Outcome } from './types.js';

/** Live objects as the informers see them. */
export interface LiveCache {
  get(r: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Write-through after an apply, so the next reconcile sees what the server returned. */
  upsert(r: ResourceRef, obj: KubeObject): void;
}

export interface ChainMetrics {
  outcome(asset: string, outcome: Outcome, customizations: string[]): void;
  thrashing(asset: string): void;
}

export interface ChainDeps {
  renderer: Renderer;
  cache: LiveCache;
  events: EventSink;
  client?: KubeClient;
  throttle?: Throttle;
  driftMemo?: DriftMemo;
  metrics?: ChainMetrics;
  /** Names the identity whose permission is missing when a request is forbidden (403): the
   *  operator's ServiceAccount by default; explain runs with the caller's own credentials. */
  forbiddenHint?: string;
}
