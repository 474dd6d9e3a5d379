// Writes core/v1 Events about the objects the operator manages. An Event is information, never a
// reason to fail: write errors are logged and swallowed. Deduplication (Events only on
// transitions) is the caller's job; this only writes.
import { randomBytes } from 'node:crypto';
import type { EventReason } from '../chain/reasons.js';
import { REASONS } from '../chain/reasons.js';
import { log } from '../log.js';
import type { KubeClient } from './client.js';
import { describeError } from './errors.js';
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

export class EventRecorder implements EventSink {
  /** Events in flight, so shutdown and tests can wait for them. */
  private pending = new Set<Promise<unknown>>();

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
    const p = this.client
      .create(`/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, body)
      .catch((err: unknown) => log.warn('event write failed', { reason, object: `${target.kind}/${target.name}`, error: describeError(err) }))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
