// The ends of the off-switch (prune-step.ts): the operator deletes or releases, with the Event that
// says so; explain says what it would do and why.
import type { KubeClient } from '../kube/client.js';
import { releaseObject, removeObject } from '../kube/prune-requests.js';
import { describeObject } from '../vocabulary/object.js';
import type { PruneEnd } from './prune-step.js';
import { verbOf } from './prune-step.js';

export function pruneWrites(client: KubeClient): PruneEnd {
  return async ({ run, off, target, ownership, subject }) => {
    const what = describeObject(target.object);
    const why = `asset ${run.asset.name} is turned off (${off.reason})`;
    if (ownership === 'created') {
      if (!(await removeObject(client, target.resource, target.object))) return { status: 'skipped', message: `${what} is already gone`, subject };
      return { status: 'removed', reason: 'AssetRemoved', message: `${why}: deleted ${what}, which the operator had created`, off, subject };
    }
    const released = await releaseObject(client, target.resource, target.object);
    if (!released) return { status: 'skipped', message: `${what} is already gone`, subject };
    return {
      status: 'released',
      reason: 'AssetReleased',
      message: `${why}: released ${what}, which existed before the operator adopted it (label and field ownership given up, content left as is)`,
      off,
      subject,
      applied: released,
    };
  };
}

export function prunePreview(): PruneEnd {
  return ({ off, target, ownership, subject }) =>
    Promise.resolve({ status: 'drifting', message: `would ${verbOf(ownership)} ${describeObject(target.object)}: ${off.reason}`, off, subject });
}
