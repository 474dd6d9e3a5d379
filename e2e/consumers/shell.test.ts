import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterSystemd, shellScripts, splitCommandLine } from './shell.js';

describe('systemd command lines as the shell receives them', () => {
  it('splits words with quotes and C escapes', () => {
    assert.deepEqual(splitCommandLine(`/bin/sh -c 'echo "a b"; exit 0' x`), ['/bin/sh', '-c', 'echo "a b"; exit 0', 'x']);
    assert.deepEqual(splitCommandLine('/bin/sh -c "printf \\"%s\\\\n\\" x"'), ['/bin/sh', '-c', 'printf "%s\\n" x']);
  });

  it('resolves specifiers, $$ and ${VAR} the way systemd does', () => {
    assert.equal(afterSystemd('echo $${A} ${A} ${B} %% %n $$(date)', { A: '1' }), 'echo ${A} 1  % specifier $(date)');
  });

  it('finds -c scripts of Exec lines (with prefixes and environment) and shell script files', () => {
    const scripts = shellScripts({
      version: '3.2.0',
      files: [
        { path: '/usr/local/bin/a', mode: 493, contents: '#!/bin/bash\necho\n' },
        { path: '/etc/b.conf', mode: 420, contents: 'x=1\n' },
      ],
      units: [
        {
          name: 'u.service',
          enabled: true,
          mask: null,
          contents: "[Service]\nEnvironment=F=/x\nExecStart=-/bin/sh -c 'test -f ${F}'\nExecStart=/usr/bin/true\n",
          dropins: [],
        },
      ],
    });
    assert.deepEqual(scripts, [
      { where: 'u.service ExecStart', shell: 'sh', script: 'test -f /x' },
      { where: '/usr/local/bin/a', shell: 'bash', script: '#!/bin/bash\necho\n' },
    ]);
  });
});
