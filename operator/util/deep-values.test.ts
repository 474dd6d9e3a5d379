// Values as deep as the API server accepts (10,000 levels; issue 11, repro 9): every operation the
// chain runs on a live object answers, where the recursive versions overflowed the stack at a few
// thousand levels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bounded, MiB } from '../../e2e/support/bounds.js';
import { liveContent } from '../chain/drift-memo.js';
import { deepEqual } from '../patch/deep-equal.js';
import { maskIgnoredFields, parseIgnoreFields } from '../patch/ignore-fields.js';
import { cloneJson } from './clone-json.js';
import { diffPaths } from '../patch/diff.js';
import { jsonText } from './json-text.js';
import { hashOf, stableStringify } from './stable-json.js';

const DEPTH = 10_000;
const nested = (leaf: unknown): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < DEPTH; i++) v = i % 2 ? { k: v } : [v];
  return v;
};
const LIMIT = { ms: 500, bytes: 64 * MiB };

describe('deep values', () => {
  const live = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x', resourceVersion: '1' }, spec: { owned: 1, free: nested('a') } };

  it('serialises like JSON.stringify, and hashes stably', () => {
    const small = { b: [1, 'x\u2028', null, { d: true }], a: -0.5 };
    assert.equal(jsonText(small), JSON.stringify(small));
    assert.equal(stableStringify(small), '{"a":-0.5,"b":[1,"x\u2028",null,{"d":true}]}');
    const text = bounded('jsonText', LIMIT, () => jsonText(live));
    assert.equal(deepEqual(JSON.parse(text), live), true, 'JSON.parse reads it back');
    assert.equal(
      bounded('hash', LIMIT, () => hashOf(liveContent(live))),
      hashOf(liveContent(cloneJson(live))),
    );
  });

  it('clones, compares and diffs at any depth', () => {
    const copy = bounded('clone', LIMIT, () => cloneJson(live));
    assert.notEqual(copy.spec.free, live.spec.free);
    assert.equal(
      bounded('deepEqual', LIMIT, () => deepEqual(copy, live)),
      true,
    );
    const changed = { ...copy, spec: { ...copy.spec, free: nested('b') } };
    assert.equal(deepEqual(changed, live), false);
    const drift = bounded('diff', LIMIT, () => diffPaths(live, changed));
    assert.equal(drift.length, 1);
    assert.deepEqual(drift, ['/spec/free/k'], 'arrays compare as a whole');
    assert.deepEqual(diffPaths(live, { ...live, spec: { ...live.spec, owned: 2 } }), ['/spec/owned']);
  });

  it('masks a deep field the user ignores', () => {
    const desired = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: { owned: 1 } };
    const out = bounded('mask', LIMIT, () => maskIgnoredFields(desired, live, parseIgnoreFields('/spec/free')));
    assert.equal(deepEqual((out.spec as { free: unknown }).free, live.spec.free), true);
  });

  it('keeps an own "__proto__" key a key when cloning', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const c = cloneJson(parsed);
    assert.equal(Object.hasOwn(c, '__proto__'), true);
    assert.equal((c as { polluted?: boolean }).polluted, undefined);
  });
});
