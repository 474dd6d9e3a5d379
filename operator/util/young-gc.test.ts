// In a child process, as the image runs it (--expose-gc) and as the npm package does (without):
// the scavenges it runs, as Node's GC performance entries count them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

const MODULE = new URL('./young-gc.js', import.meta.url).href;
const SCRIPT = `
import { PerformanceObserver, constants } from 'node:perf_hooks';
const { collectYoungGeneration } = await import(${JSON.stringify(MODULE)});
const kinds = [];
const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) kinds.push(e.detail.kind); });
obs.observe({ entryTypes: ['gc'] });
for (let i = 0; i < 5; i++) collectYoungGeneration();
setTimeout(() => {
  obs.disconnect();
  const minor = kinds.filter((k) => k === constants.NODE_PERFORMANCE_GC_MINOR).length;
  console.log(JSON.stringify({ minor, other: kinds.length - minor }));
}, 50);
`;

const run = (flags: string[]): { minor: number; other: number } =>
  JSON.parse(execFileSync(process.execPath, [...flags, '--input-type=module', '-e', SCRIPT], { encoding: 'utf8' })) as { minor: number; other: number };

describe('collectYoungGeneration', () => {
  it('runs one scavenge per call, and no full GC, when the process runs with --expose-gc', () => {
    assert.deepEqual(run(['--expose-gc']), { minor: 5, other: 0 });
  });

  it('does nothing without it (the npm package), and does not throw', () => {
    assert.deepEqual(run([]), { minor: 0, other: 0 });
  });
});
