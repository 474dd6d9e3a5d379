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

describe('patch cost is bounded (issue 11, repro 3)', () => {
  it('refuses a 2.3 KB copy bomb before it expands, in bounded time and memory', async () => {
    const { bounded, MiB } = await import('../../e2e/support/bounds.js');
    const ops = [
      { op: 'add', path: '/spec/bomb', value: [1] },
      ...Array.from({ length: 40 }, () => ({ op: 'copy', from: '/spec/bomb', path: '/spec/bomb/-' })),
    ];
    const text = JSON.stringify(ops);
    assert.ok(text.length < 2400);
    // Before the fix this returned a 2^40-element array shared by reference: the drift check
    // expanded it and the process ran out of memory.
    assert.throws(
      () => bounded('copy bomb', { ms: 500, bytes: 64 * MiB, gc: true }, () => applyPatch({ spec: {} }, parsePatch(text))),
      (e: unknown) => e instanceof InvalidPatchError && /would exceed 1572864 bytes/.test(e.message),
    );
  });

  it('still applies copies whose result stays within the limit, as a tree', () => {
    const out = applyPatch({ spec: { a: { x: [1, 2] } } }, parsePatch('[{"op":"copy","from":"/spec/a","path":"/spec/b"}]')) as {
      spec: { a: { x: number[] }; b: { x: number[] } };
    };
    assert.deepEqual(out.spec.b, { x: [1, 2] });
    out.spec.b.x.push(3);
    assert.deepEqual(out.spec.a.x, [1, 2], 'the copy shares nothing with its source');
  });

  it('refuses strings Kubernetes cannot store (a lone UTF-16 surrogate)', () => {
    assert.throws(() => parsePatch('[{"op":"add","path":"/data/x","value":"a\\ud800b"}]'), /lone UTF-16 surrogate/);
    assert.throws(() => parsePatch('[{"op":"add","path":"/data","value":{"\\udc00":"x"}}]'), /lone UTF-16 surrogate/);
    assert.equal(parsePatch('[{"op":"add","path":"/data/x","value":"\\ud83d\\ude00 \\u0085\\u007f"}]').length, 1, 'pairs and controls are fine');
  });

  it('refuses pointers deeper than 128 segments', () => {
    assert.throws(() => parsePatch(JSON.stringify([{ op: 'remove', path: '/a'.repeat(129) }])), /more than 128 segments/);
  });
});
