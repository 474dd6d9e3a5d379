import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { execPrograms } from './systemd.js';

describe('systemd unit checks', () => {
  it('without systemd-analyze and without apt-get, fails with a message that says what to install', () => {
    const url = new URL('./systemd.js', import.meta.url).href;
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import(${JSON.stringify(url)}).then((m) => m.ensureSystemdAnalyze()).then(() => process.exit(0), (e) => { process.stderr.write(e.message); process.exit(3); })`,
      ],
      {
        env: { PATH: '/nonexistent' },
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /systemd-analyze is not installed and cannot be installed here \(needs apt-get, as root\): install the Debian package "systemd"/);
  });

  it('finds the programs of Exec lines, without systemd prefixes', () => {
    assert.deepEqual(execPrograms('[Service]\nExecStartPre=-/bin/mkdir x\nExecStart=@/usr/bin/a b\nExecStop=+/c\nEnvironment=X=1\n'), [
      '/bin/mkdir',
      '/usr/bin/a',
      '/c',
    ]);
  });
});
