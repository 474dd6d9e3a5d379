import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unifiedDiff } from './diff.js';

const lines = (n: number, prefix = 'line'): string => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';

describe('rbac-gen unified diff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', 'x', 'y'), '');
  });

  it('shows a changed line with three lines of context and correct line numbers', () => {
    const before = lines(10);
    const after = before.replace('line 5\n', 'LINE FIVE\n');
    assert.equal(
      unifiedDiff(before, after, 'role.yaml (committed)', 'role.yaml (generated)'),
      [
        '--- role.yaml (committed)',
        '+++ role.yaml (generated)',
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+LINE FIVE',
        ' line 6',
        ' line 7',
        ' line 8',
        '',
      ].join('\n'),
    );
  });

  it('shows an insertion at the end and a deletion at the start', () => {
    assert.equal(unifiedDiff(lines(2), lines(3), 'a', 'b'), ['--- a', '+++ b', '@@ -1,2 +1,3 @@', ' line 1', ' line 2', '+line 3', ''].join('\n'));
    assert.equal(unifiedDiff(lines(3), 'line 2\nline 3\n', 'a', 'b'), ['--- a', '+++ b', '@@ -1,3 +1,2 @@', '-line 1', ' line 2', ' line 3', ''].join('\n'));
  });

  it('numbers an empty side as diff -u does', () => {
    assert.equal(unifiedDiff('', 'new\n', 'a', 'b'), ['--- a', '+++ b', '@@ -0,0 +1,1 @@', '+new', ''].join('\n'));
  });

  it('splits distant changes into separate hunks', () => {
    const before = lines(30);
    const after = before.replace('line 3\n', 'x\n').replace('line 25\n', 'y\n');
    const d = unifiedDiff(before, after, 'a', 'b');
    assert.deepEqual(
      d.split('\n').filter((l) => l.startsWith('@@')),
      ['@@ -1,6 +1,6 @@', '@@ -22,7 +22,7 @@'],
    );
  });

  it('says so when only the final newline differs', () => {
    assert.match(unifiedDiff('a\n', 'a', 'x', 'y'), /final newline/);
  });
});
