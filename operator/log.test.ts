// The logger writes one JSON object per line and keeps every field the caller gives it: winston
// would merge a `message` field into the line's message and let a `level` field change the level.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { safeFields } from './log.js';

const logModule = join(dirname(fileURLToPath(import.meta.url)), 'log.js');

function logLines(code: string, env: NodeJS.ProcessEnv = {}): Record<string, unknown>[] {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { log, setLogLevel } from ${JSON.stringify(logModule)};\n${code}`], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: '', ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('structured logs', () => {
  it("keeps every field: a message or level field is kept beside the line's own, never merged", () => {
    const [line] = logLines(
      `log.warn('asset not applied', { asset: 'a', kind: 'ConfigMap', namespace: 'ns', name: 'n', detail: 'why', message: 'extra', level: 'debug' });`,
    );
    assert.equal(line!.message, 'asset not applied');
    assert.equal(line!.level, 'warn');
    assert.equal(line!.message_, 'extra');
    assert.equal(line!.level_, 'debug');
    for (const [k, v] of Object.entries({ asset: 'a', kind: 'ConfigMap', namespace: 'ns', name: 'n', detail: 'why', logger: 'virt-platform-operator' }))
      assert.equal(line![k], v, k);
    assert.match(String(line!.timestamp), /^\d{4}-\d\d-\d\dT/);
  });

  it('honours LOG_LEVEL, and setLogLevel (--log-level) over it', () => {
    assert.deepEqual(
      logLines(`log.debug('d'); log.info('i'); log.warn('w');`, { LOG_LEVEL: 'warn' }).map((l) => l.message),
      ['w'],
    );
    assert.deepEqual(
      logLines(`log.debug('d'); log.info('i');`, { LOG_LEVEL: 'debug' }).map((l) => l.message),
      ['d', 'i'],
    );
    assert.deepEqual(
      logLines(`setLogLevel('error'); log.warn('w'); log.error('e');`, { LOG_LEVEL: 'debug' }).map((l) => l.message),
      ['e'],
    );
  });

  it('safeFields renames only the reserved names', () => {
    assert.deepEqual(safeFields({ message: 'm', timestamp: 't', logger: 'l', level: 'x', asset: 'a' }), {
      message_: 'm',
      timestamp_: 't',
      logger_: 'l',
      level_: 'x',
      asset: 'a',
    });
  });
});
