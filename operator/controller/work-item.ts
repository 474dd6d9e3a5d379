// What the controller's queue holds: a world pass (everything, in reconcile order), a retry of
// the tombstones while a kind's cache fills, or one asset after an event on its object. Typed, and
// turned into a queue key in one place, so no asset name can pass for another item.
export type WorkItem = { readonly type: 'world' } | { readonly type: 'tombstones' } | { readonly type: 'asset'; readonly name: string };

export const WORLD: WorkItem = { type: 'world' };
export const TOMBSTONES: WorkItem = { type: 'tombstones' };

export const assetItem = (name: string): WorkItem => ({ type: 'asset', name });

/** The queue key of an item (de-duplication, backoff). */
export function workKey(item: WorkItem): string {
  return item.type === 'asset' ? `asset/${item.name}` : item.type;
}
