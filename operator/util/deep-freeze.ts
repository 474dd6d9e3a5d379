// Deep freeze: an object shared between passes (a memoised render) cannot be changed by any of
// its readers; a write to it throws (ESM is strict mode) instead of corrupting the next pass.
export function deepFreeze<T>(root: T): T {
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const child of Object.values(v)) stack.push(child);
  }
  return root;
}
