// The size a JSON value would have as text, counted without materialising it and without
// recursion, stopping as soon as it passes `budget`. Shared references count once per reference,
// as they would once serialised: this is what makes a copy bomb visible before it expands.
export function jsonSize(root: unknown, budget = Infinity): number {
  let size = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0 && size <= budget) {
    const v = stack.pop();
    if (typeof v === 'string') size += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean') size += String(v).length;
    else if (v === null || v === undefined) size += 4;
    else if (Array.isArray(v)) {
      size += 2 + v.length;
      for (const x of v) stack.push(x);
    } else if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      size += 2;
      for (const k of Object.keys(o)) {
        size += k.length + 4;
        stack.push(o[k]);
      }
    }
  }
  return size;
}
