import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { applyBody, UnencodableError } from './apply-body.js';

describe('applyBody (issue 11, repro 11)', () => {
  const awkward = 'del\u007f c1\u0080\u0085\u009f bom\ufeff nonchar\ufffe\uffff emoji\ud83d\ude00 ctl\u0001\t\n';

  it('escapes what a YAML 1.1 parser refuses raw, and stays JSON for the same value', () => {
    const body = applyBody({ data: { [awkward]: awkward } });
    assert.doesNotMatch(body, /[\u007f-\u009f\ufeff\ufffe\uffff]/, 'no raw unprintable character');
    assert.match(body, /\\u007f/);
    assert.deepEqual(JSON.parse(body), { data: { [awkward]: awkward } });
    assert.deepEqual(yaml.load(body), { data: { [awkward]: awkward } }, 'a YAML parser reads the same value');
  });

  it('refuses a lone surrogate before any request', () => {
    assert.throws(() => applyBody({ data: { x: 'a\ud800' } }), UnencodableError);
    assert.throws(() => applyBody({ data: { ['\udc00']: 'x' } }), UnencodableError);
  });
});
