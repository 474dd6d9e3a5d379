import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driftParts, preciseTime, type AuditEntry } from './bench-probes.js';

const entry = (user: string, received: number, completed: number, resource = 'hyperconvergeds', verb = 'patch'): AuditEntry => ({
  auditID: `${user}-${received}`,
  stage: 'ResponseComplete',
  verb,
  uri: '/x',
  user,
  userAgent: '',
  received,
  completed,
  resource,
});

describe('bench probes', () => {
  it('reads the audit log times to the microsecond', () => {
    const t = preciseTime('2026-11-26T13:36:54.934123Z');
    assert.equal(Math.floor(t), Date.parse('2026-11-26T13:36:54.934Z'));
    assert.ok(Math.abs(t - Math.floor(t) - 0.123) < 0.001); // a double holds ms since 1970 to ≈0.2 µs
    assert.equal(preciseTime('2026-11-26T13:36:54Z'), Date.parse('2026-11-26T13:36:54Z'));
  });

  it("splits each repair into the user's edit, the operator's reaction and its write; unanswered edits are left out, overlaps kept", () => {
    const op = 'system:serviceaccount:ns:op';
    const parts = driftParts(
      [
        entry(op, 112, 122), // out of order in the log: sorted by reception
        entry('admin', 100, 110),
        entry('admin', 200, 211),
        entry('admin', 300, 309), // edited again before the operator wrote: the first is not a repair pair
        entry(op, 312, 320),
        entry(op, 150, 151, 'events', 'create'),
        entry('admin', 400, 412),
        entry(op, 411, 420), // received before the edit was answered: a negative reaction, kept
      ],
      op,
      'hyperconvergeds',
    );
    assert.deepEqual(parts, [
      { edit: 10, reaction: 2, repair: 10 },
      { edit: 9, reaction: 3, repair: 8 },
      { edit: 12, reaction: -1, repair: 9 },
    ]);
  });
});
