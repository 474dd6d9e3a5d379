// Writes core/v1 Events about the objects the operator manages. An Event is information, never a
// reason to fail. A write that fails for a transient reason (API server away or busy) is retried
// with backoff for a few minutes, under the same name, so an attempt that landed but whose answer
// was lost makes a 409 on the next one and never a duplicate. Deduplication (Events only on
// transitions) is the caller's job; this only writes.
import { randomBytes } from 'node:crypto';
import type { EventReason } from '../chain/reasons.js';
import { REASONS } from '../chain/reasons.js';
import { log } from '../log.js';
import type { KubeClient } from './client.js';
import { describeError, isStatus, isTransient } from './errors.js';
import type { KubeObject } from './types.js';

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
}

export function involvedOf(obj: KubeObject): InvolvedObject {
  return {
    apiVersion: obj.apiVersion ?? '',
    kind: obj.kind ?? '',
    name: obj.metadata?.name ?? '',
    namespace: obj.metadata?.namespace,
    uid: obj.metadata?.uid,
  };
}

export interface EventSink {
  emit(target: InvolvedObject, reason: EventReason, message: string): void;
}

const MAX_MESSAGE = 1024;
/** How long an Event is retried, and how many may wait at once (beyond: dropped, and logged). */
const RETRY_FOR_MS = 5 * 60_000;
const MAX_PENDING = 256;

export class EventRecorder implements EventSink {
  /** Events in flight, so shutdown and tests can wait for them. */
  private pending = new Set<Promise<unknown>>();
  private closed = false;
  private wakers = new Set<() => void>();

  constructor(
    private readonly client: KubeClient,
    private readonly component = 'virt-platform-operator',
    private readonly fallbackNamespace = 'default',
  ) {}

  emit(target: InvolvedObject, reason: EventReason, message: string): void {
    const namespace = target.namespace || this.fallbackNamespace;
    const now = new Date().toISOString();
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${target.name || 'object'}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: { ...target, namespace: target.namespace },
      reason,
      message: message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE - 1) + '…' : message,
      type: REASONS[reason],
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: process.env.POD_NAME ?? this.component,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    if (this.pending.size >= MAX_PENDING) {
      log.warn('event dropped: too many Events waiting for the API server', { reason, object: `${target.kind}/${target.name}` });
      return;
    }
    const p = this.write(namespace, body, reason, `${target.kind}/${target.name}`).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private async write(namespace: string, body: object, reason: string, object: string): Promise<void> {
    const giveUpAt = Date.now() + RETRY_FOR_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.create(`/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, body);
        return;
      } catch (err) {
        if (attempt > 0 && isStatus(err, 409)) return; // an earlier attempt landed; its answer was lost
        if (!isTransient(err) || this.closed || Date.now() >= giveUpAt) {
          log.warn('event write failed', { reason, object, attempts: attempt + 1, error: describeError(err) });
          return;
        }
        await this.sleep(Math.min(30_000, 500 * 2 ** attempt));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      const wake = (): void => {
        clearTimeout(t);
        this.wakers.delete(wake);
        r();
      };
      const t = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** Waits for the Events in flight; retries still waiting are given one last try. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** Stops retrying: every waiting Event gets one last attempt now. */
  close(): void {
    this.closed = true;
    for (const w of [...this.wakers]) w();
  }
}
