import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applyPatch, InvalidPatchError, parsePatch, validatePatch } from './json-patch.js';

interface Case {
  comment?: string;
  doc: unknown;
  patch: unknown;
  expected?: unknown;
  error?: string;
  disabled?: boolean;
}

const confDir = process.env.JSON_PATCH_CONFORMANCE_DIR ?? new URL('../../../../shared/conformance/json-patch/', import.meta.url).pathname;

function run(c: Case): unknown {
  return applyPatch(c.doc, validatePatch(c.patch));
}

describe('RFC 6902 conformance (../shared/conformance/json-patch)', { skip: !existsSync(confDir) && 'conformance folder absent' }, () => {
  for (const file of ['tests.json', 'spec_tests.json']) {
    const cases = existsSync(confDir + file) ? (JSON.parse(readFileSync(confDir + file, 'utf8')) as Case[]) : [];
    cases.forEach((c, i) => {
      const name = `${file} #${i}: ${c.comment ?? c.error ?? 'expected document'}`;
      it(name, { skip: c.disabled === true && 'disabled in the suite' }, () => {
        if (c.expected !== undefined) {
          assert.deepEqual(run(c), c.expected);
        } else {
          assert.throws(() => run(c), InvalidPatchError);
        }
      });
    });
  }
  it('has cases', () => assert.ok(existsSync(confDir + 'tests.json')));
});

describe('patch parsing of untrusted annotation text', () => {
  it('refuses text that is not JSON', () => {
    assert.throws(() => parsePatch('[{op: add}]'), /not valid JSON/);
  });
  it('refuses a document that is not an array', () => {
    assert.throws(() => parsePatch('{"op":"add","path":"/a","value":1}'), /JSON array/);
  });
  it('refuses unknown ops and missing fields', () => {
    assert.throws(() => parsePatch('[{"op":"merge","path":"/a"}]'), /unknown op/);
    assert.throws(() => parsePatch('[{"op":"add","path":"/a"}]'), /needs a "value"/);
    assert.throws(() => parsePatch('[{"op":"move","path":"/a"}]'), /"from" must be a string/);
    assert.throws(() => parsePatch('[{"op":"add","path":3,"value":1}]'), /"path" must be a string/);
  });
  it('refuses prototype-polluting paths and values', () => {
    assert.throws(() => parsePatch('[{"op":"add","path":"/__proto__/x","value":1}]'), /forbidden segment "__proto__"/);
    assert.throws(() => parsePatch('[{"op":"add","path":"/a/constructor","value":1}]'), /forbidden segment "constructor"/);
    assert.throws(() => parsePatch('[{"op":"add","path":"/a","value":{"__proto__":{"polluted":true}}}]'), /__proto__/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
  it('refuses over-long patches', () => {
    const ops = Array.from({ length: 300 }, () => ({ op: 'add', path: '/a', value: 1 }));
    assert.throws(() => parsePatch(JSON.stringify(ops)), /at most 256/);
  });
  it('never mutates the input document', () => {
    const doc = { spec: { a: 1, list: [1, 2] } };
    const out = applyPatch(doc, parsePatch('[{"op":"replace","path":"/spec/a","value":2},{"op":"remove","path":"/spec/list/0"}]'));
    assert.deepEqual(doc, { spec: { a: 1, list: [1, 2] } });
    assert.deepEqual(out, { spec: { a: 2, list: [2] } });
  });
  it('fails a test op whose object value differs in a member', () => {
    const doc = { a: { b: 1, c: 2 } };
    assert.throws(() => applyPatch(doc, parsePatch('[{"op":"test","path":"/a","value":{"b":1,"c":3}}]')), /test failed/);
    assert.deepEqual(applyPatch(doc, parsePatch('[{"op":"test","path":"/a","value":{"c":2,"b":1}}]')), doc);
  });
});
