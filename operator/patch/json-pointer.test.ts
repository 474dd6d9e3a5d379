import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deleteAt, forbiddenSegment, formatPointer, getAt, InvalidPointerError, parsePointer, setAt } from './json-pointer.js';

describe('parsePointer / formatPointer', () => {
  it('parses the root and simple pointers', () => {
    assert.deepEqual(parsePointer(''), []);
    assert.deepEqual(parsePointer('/'), ['']);
    assert.deepEqual(parsePointer('//'), ['', '']);
    assert.deepEqual(parsePointer('/spec/list/0'), ['spec', 'list', '0']);
  });

  it('decodes ~1 as / and ~0 as ~, in that order', () => {
    assert.deepEqual(parsePointer('/metadata/labels/platform.kubevirt.io~1managed-by'), ['metadata', 'labels', 'platform.kubevirt.io/managed-by']);
    assert.deepEqual(parsePointer('/a~0b'), ['a~b']);
    assert.deepEqual(parsePointer('/~01'), ['~1'], '~01 is "~" then "1", not "/"');
    assert.deepEqual(parsePointer('/~10'), ['/0']);
  });

  it('refuses pointers without a leading slash and invalid escapes', () => {
    for (const p of ['spec', 'spec/a', '#/spec', '/a~2', '/a~', '/~', '/a~b/c']) {
      assert.throws(() => parsePointer(p), InvalidPointerError, p);
    }
  });

  it('round-trips awkward segments', () => {
    const cases: string[][] = [[], [''], ['a/b', 'm~n'], ['~1', '~0', '/~'], ['0', '-', ' ', 'ünï'], ['', ''], ['a.b', '%25', '"\\']];
    for (const segs of cases) assert.deepEqual(parsePointer(formatPointer(segs)), segs, JSON.stringify(segs));
  });

  it('formats with the RFC 6901 escapes', () => {
    assert.equal(formatPointer([]), '');
    assert.equal(formatPointer(['metadata', 'labels', 'a/b~c']), '/metadata/labels/a~1b~0c');
  });

  it('round-trips pointer text', () => {
    for (const p of ['', '/', '/a~1b/~0', '/spec/0/-']) assert.equal(formatPointer(parsePointer(p)), p);
  });
});

describe('getAt', () => {
  const doc = { spec: { list: ['a', { b: null }], zero: 0, empty: '' }, '': { '': 'blank' }, 'a/b': 1 };

  it('returns the document for the root', () => {
    assert.deepEqual(getAt(doc, []), { found: true, value: doc });
  });

  it('reads nested object and array values, including falsy ones', () => {
    assert.deepEqual(getAt(doc, ['spec', 'list', '0']), { found: true, value: 'a' });
    assert.deepEqual(getAt(doc, ['spec', 'list', '1', 'b']), { found: true, value: null });
    assert.deepEqual(getAt(doc, ['spec', 'zero']), { found: true, value: 0 });
    assert.deepEqual(getAt(doc, ['spec', 'empty']), { found: true, value: '' });
    assert.deepEqual(getAt(doc, ['', '']), { found: true, value: 'blank' });
    assert.deepEqual(getAt(doc, ['a/b']), { found: true, value: 1 });
  });

  it('is not found for missing keys and through scalars or null', () => {
    assert.deepEqual(getAt(doc, ['spec', 'missing']), { found: false });
    assert.deepEqual(getAt(doc, ['spec', 'zero', 'x']), { found: false });
    assert.deepEqual(getAt(doc, ['spec', 'list', '1', 'b', 'c']), { found: false });
    assert.deepEqual(getAt(null, ['a']), { found: false });
  });

  it('accepts only canonical in-range array indices', () => {
    for (const i of ['2', '-', '01', '-1', '1.0', ' 1', '1e0', 'length']) assert.deepEqual(getAt(doc, ['spec', 'list', i]), { found: false }, i);
  });

  it('never reads inherited properties', () => {
    for (const k of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) assert.deepEqual(getAt({}, [k]), { found: false }, k);
  });
});

describe('setAt', () => {
  it('refuses the root', () => {
    const doc = { a: 1 };
    assert.equal(setAt(doc, [], 2), false);
    assert.deepEqual(doc, { a: 1 });
  });

  it('sets a value, replacing an existing one', () => {
    const doc: Record<string, unknown> = { spec: { a: 1 } };
    assert.equal(setAt(doc, ['spec', 'a'], 2), true);
    assert.equal(setAt(doc, ['spec', 'b'], { c: 3 }), true);
    assert.deepEqual(doc, { spec: { a: 2, b: { c: 3 } } });
  });

  it('creates missing object parents', () => {
    const doc: Record<string, unknown> = { spec: {} };
    assert.equal(setAt(doc, ['spec', 'x', 'y', 'z'], 'v'), true);
    assert.deepEqual(doc, { spec: { x: { y: { z: 'v' } } } });
  });

  it('refuses to go through a scalar or null parent', () => {
    const doc = { spec: { s: 'str', n: null } };
    assert.equal(setAt(doc, ['spec', 's', 'x'], 1), false);
    assert.equal(setAt(doc, ['spec', 'n', 'x'], 1), false);
    assert.deepEqual(doc, { spec: { s: 'str', n: null } });
  });

  it('replaces an array element and appends at index == length, nothing further', () => {
    const doc = { list: ['a', 'b'] };
    assert.equal(setAt(doc, ['list', '0'], 'A'), true);
    assert.equal(setAt(doc, ['list', '2'], 'c'), true);
    assert.equal(setAt(doc, ['list', '4'], 'e'), false);
    assert.equal(setAt(doc, ['list', '-'], 'x'), false);
    assert.equal(setAt(doc, ['list', '01'], 'x'), false);
    assert.equal(setAt(doc, ['list', 'length'], 0), false);
    assert.deepEqual(doc, { list: ['A', 'b', 'c'] });
  });

  it('sets inside array elements but does not create a missing array element as a parent', () => {
    const doc = { list: [{ a: 1 }] };
    assert.equal(setAt(doc, ['list', '0', 'b'], 2), true);
    assert.equal(setAt(doc, ['list', '1', 'b'], 2), false);
    assert.deepEqual(doc, { list: [{ a: 1, b: 2 }] });
  });

  it('sets through an array document', () => {
    const doc: unknown[] = [{ a: 1 }];
    assert.equal(setAt(doc, ['0', 'a'], 2), true);
    assert.deepEqual(doc, [{ a: 2 }]);
  });

  it('does not pollute Object.prototype', () => {
    const doc: Record<string, unknown> = {};
    setAt(doc, ['__proto__', 'polluted'], 'yes');
    setAt(doc, ['constructor', 'prototype', 'polluted'], 'yes');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  });
});

describe('deleteAt', () => {
  it('removes an object member', () => {
    const doc = { spec: { a: 1, b: 2 } };
    deleteAt(doc, ['spec', 'a']);
    assert.deepEqual(doc, { spec: { b: 2 } });
  });

  it('splices an array element out', () => {
    const doc = { list: ['a', 'b', 'c'] };
    deleteAt(doc, ['list', '1']);
    assert.deepEqual(doc, { list: ['a', 'c'] });
  });

  it('is a no-op for the root, a missing path, an out-of-range or non-canonical index, or a scalar parent', () => {
    const doc = { spec: { a: 1, s: 'str' }, list: ['a'] };
    const before = structuredClone(doc);
    deleteAt(doc, []);
    deleteAt(doc, ['spec', 'missing']);
    deleteAt(doc, ['missing', 'deeper']);
    deleteAt(doc, ['list', '1']);
    deleteAt(doc, ['list', '-']);
    deleteAt(doc, ['list', '00']);
    deleteAt(doc, ['spec', 's', 'length']);
    assert.deepEqual(doc, before);
  });

  it('does not delete inherited properties', () => {
    const doc = {};
    deleteAt(doc, ['toString']);
    assert.equal(typeof ({} as { toString: unknown }).toString, 'function');
  });
});

describe('forbiddenSegment', () => {
  it('names the first segment that reaches the prototype machinery, and nothing else', () => {
    assert.equal(forbiddenSegment(['spec', '__proto__', 'x']), '__proto__');
    assert.equal(forbiddenSegment(['constructor']), 'constructor');
    assert.equal(forbiddenSegment(['a', 'prototype']), 'prototype');
    assert.equal(forbiddenSegment(['spec', 'proto', 'constructors', '']), undefined);
  });
});
