// Deep freeze: an object shared between passes (a memoised render) cannot be changed by any of
// its readers; a write to it throws (ESM is strict mode) instead of corrupting the next pass.
// What it froze is remembered, so readers may cache what they derive from it (stable-json's text).

// Every object in here has its whole subtree in here too: nothing in it can change.
const deeplyFrozen = new WeakSet<object>();

export function deepFreeze<T>(root: T): T {
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    // An object frozen elsewhere (shallowly, perhaps) is walked all the same.
    if (v === null || typeof v !== 'object' || deeplyFrozen.has(v)) continue;
    Object.freeze(v);
    deeplyFrozen.add(v);
    for (const child of Object.values(v)) stack.push(child);
  }
  return root;
}

/** Whether `v` and everything under it were frozen by deepFreeze. */
export function isDeeplyFrozen(v: object): boolean {
  return deeplyFrozen.has(v);
}
