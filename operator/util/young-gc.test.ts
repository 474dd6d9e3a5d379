// In a child process, as the image runs it (--expose-gc) and as the npm package does (without).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

const MODULE = new URL('./young-gc.js', import.meta.url).href;
// 32 MB of dead 16 KB Buffers (what a streamed list page leaves behind), then a scavenge: the
// external memory they held, in MB, before and after.
const SCRIPT = `
const { collectYoungGeneration } = await import(${JSON.stringify(MODULE)});
let keep = 0;
for (let i = 0; i < 2048; i++) keep += Buffer.alloc(16384, 1)[0];
const before = process.memoryUsage().arrayBuffers;
collectYoungGeneration();
const after = process.memoryUsage().arrayBuffers;
console.log(JSON.stringify({ before: before / 2 ** 20, after: after / 2 ** 20, keep }));
`;

const run = (flags: string[]): { before: number; after: number } =>
  JSON.parse(execFileSync(process.execPath, [...flags, '--max-semi-space-size=2', '--input-type=module', '-e', SCRIPT], { encoding: 'utf8' })) as {
    before: number;
    after: number;
  };

describe('collectYoungGeneration', () => {
  it('frees the dead Buffers of the young generation when the process runs with --expose-gc', () => {
    const { before, after } = run(['--expose-gc']);
    assert.ok(before > 8, `${before.toFixed(1)} MB held before (nothing collected them yet)`);
    assert.ok(after < 4, `${after.toFixed(1)} MB held after`);
  });

  it('is a no-op without it (the npm package): it does not throw', () => {
    assert.equal(typeof run([]).after, 'number');
  });
});
