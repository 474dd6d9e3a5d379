// Memo of drift checks, keyed per object on (hash of the desired object, hash of the live
// object's content). Status-only or ownership-only changes leave the live hash unchanged, so an
// unchanged desired object against an unchanged live object costs no request.
import type { KubeObject } from '../vocabulary/object.js';
import { hashOf } from '../util/stable-json.js';
import type { ObjectKey } from '../vocabulary/resource.js';

export interface DriftVerdict {
  desiredHash: string;
  liveHash: string;
  drift: readonly string[];
}

/** The live object's content, without what the server changes on its own. */
export function liveContent(obj: KubeObject): KubeObject {
  const { status: _s, metadata, ...rest } = obj;
  const { managedFields: _m, resourceVersion: _r, generation: _g, ...meta } = metadata ?? {};
  return { ...rest, metadata: meta };
}

export class DriftMemo {
  private readonly verdicts = new Map<ObjectKey, DriftVerdict>();
  private readonly liveHashes = new Map<ObjectKey, { rv: string; hash: string }>();

  /** The content hash of a live object, computed once per resourceVersion. */
  liveHash(key: ObjectKey, live: KubeObject): string {
    const rv = live.metadata?.resourceVersion ?? '';
    const cached = this.liveHashes.get(key);
    if (cached && rv && cached.rv === rv) return cached.hash;
    const hash = hashOf(liveContent(live));
    this.liveHashes.set(key, { rv, hash });
    return hash;
  }

  get(key: ObjectKey, desiredHash: string, liveHash: string): DriftVerdict | undefined {
    const v = this.verdicts.get(key);
    return v && v.desiredHash === desiredHash && v.liveHash === liveHash ? v : undefined;
  }

  /** The hash of the desired object last checked or written for this object. */
  desiredHash(key: ObjectKey): string | undefined {
    return this.verdicts.get(key)?.desiredHash;
  }

  set(key: ObjectKey, v: DriftVerdict): void {
    this.verdicts.set(key, v);
  }
}
