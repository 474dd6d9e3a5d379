import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bounded, MiB } from '../../e2e/support/bounds.js';
import { globMatch } from './glob.js';

/** The reference semantics, on inputs small enough for a RegExp to be harmless. */
const reference = (p: string, t: string): boolean =>
  new RegExp(
    `^${p
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  ).test(t);

describe('globMatch', () => {
  it('matches literally, case-insensitively, with * for any run of characters', () => {
    assert.equal(globMatch('MachineConfig', 'machineconfig'), true);
    assert.equal(globMatch('50-*', '50-swap'), true);
    assert.equal(globMatch('*-swap', '50-swap'), true);
    assert.equal(globMatch('*', ''), true);
    assert.equal(globMatch('a*b*c', 'aXbYc'), true);
    assert.equal(globMatch('a*b*c', 'aXbY'), false);
    assert.equal(globMatch('a.b', 'aXb'), false, 'a dot is a dot');
    assert.equal(globMatch('', 'x'), false);
  });

  it('agrees with the RegExp reference on short inputs', () => {
    const alpha = fc.constantFrom('a', 'b', 'A', '.', '-', '*');
    fc.assert(
      fc.property(
        fc.array(alpha, { maxLength: 8 }).map((a) => a.join('')),
        fc
          .array(
            alpha.filter((c) => c !== '*'),
            { maxLength: 10 },
          )
          .map((a) => a.join('')),
        (p, t) => {
          assert.equal(globMatch(p, t), reference(p, t), `${p} ~ ${t}`);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('matches any rule against any name in bounded time (at most pattern × text steps)', () => {
    const part = fc.array(fc.constantFrom('a', 'z', '*', '-', '.'), { maxLength: 300 }).map((a) => a.join(''));
    fc.assert(
      fc.property(part, fc.string({ maxLength: 253 }), (p, t) => {
        bounded('glob', { ms: 50, bytes: 4 * MiB }, () => globMatch(p, t));
      }),
      { numRuns: 300 },
    );
    const worst = '*a'.repeat(20_000) + 'z';
    bounded('40 KB of *a against 253 a', { ms: 500, bytes: 4 * MiB }, () => globMatch(worst, 'a'.repeat(253)));
  });
});
