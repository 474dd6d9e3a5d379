// A deep copy of plain JSON data without recursion (see json-text.ts for why). Shared
// sub-trees are copied once per reference, so the copy is a tree.
type Container = Record<string, unknown> | unknown[];

const isContainer = (v: unknown): v is Container => v !== null && typeof v === 'object';
const empty = (v: Container): Container => (Array.isArray(v) ? [] : {});

function put(dst: Container, key: string | number, value: unknown): void {
  // defineProperty: an own "__proto__" key (JSON.parse makes one) must stay a key, not a prototype.
  Object.defineProperty(dst, key, { value, writable: true, enumerable: true, configurable: true });
}

export function cloneJson<T>(root: T): T {
  if (!isContainer(root)) return root;
  const top = empty(root);
  const stack: [Container, Container][] = [[root, top]];
  while (stack.length > 0) {
    const [src, dst] = stack.pop()!;
    const keys: (string | number)[] = Array.isArray(src) ? src.map((_, i) => i) : Object.keys(src);
    for (const k of keys) {
      const v = (src as Record<string | number, unknown>)[k];
      if (v === undefined && !Array.isArray(src)) continue;
      if (isContainer(v)) {
        const c = empty(v);
        put(dst, k, c);
        stack.push([v, c]);
      } else put(dst, k, v);
    }
  }
  return top as T;
}
