// `npm run demo` end to end (with --exit): converges on its own control plane and runs the four
// demonstrations (patch, ignore-fields, unmanaged, drift repair) without manual steps.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { repoPath } from '../scripts/repo.js';

describe('npm run demo', () => {
  it('converges and runs the four demonstrations, then cleans up', async () => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [repoPath('dist', 'scripts', 'demo.js'), '--exit'], { timeout: 240_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Converged: \d+ assets applied/);
    for (const step of ['1. User patch', '2. ignore-fields', '3. mode: unmanaged', '4. Drift repair']) assert.ok(r.stdout.includes(step), step);
    assert.equal((r.stdout.match(/✔/g) ?? []).length, 4, r.stdout);
    assert.match(r.stdout, /4\/4 demonstrations succeeded/);
    const kubeconfig = /export KUBECONFIG=(\S+)/.exec(r.stdout)?.[1];
    assert.ok(kubeconfig);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(kubeconfig), false, 'the demo removed its control plane folder');
  });
});
