// A scavenge of the young generation, when the process runs with --expose-gc (the image's
// ENTRYPOINT sets it; elsewhere this does nothing). A large response read in chunks (a page of
// 250 full Nodes is ≈2.5 MB) leaves its chunks dead in the young generation, each holding a
// Buffer outside the JS heap; the JS allocated meanwhile is small, so no scavenge comes on its own
// and V8 lets those Buffers pile up to ≈64 MB of external memory before a full GC — which the
// allocator then keeps as RSS. One scavenge per page (well under a millisecond on a young
// generation of 2 MB semi-spaces) frees them while they are few: measured, the capacity scan of
// 5,000 Nodes went +63 MB → +8 MB of RSS, and its CPU down too (fewer fresh pages to fault in).
type Gc = (options: { type: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

const gc = (globalThis as { gc?: Gc }).gc;

export function collectYoungGeneration(): void {
  gc?.({ type: 'minor' });
}
