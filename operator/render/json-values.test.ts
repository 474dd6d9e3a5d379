import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_ANNOTATION_BYTES } from '../vocabulary/annotations.js';
import { nestedStringMap, parseJsonValue } from './json-values.js';

const PARAM = '^--[a-z]+$';
const NODE = '^[a-z0-9-]+$';
const TEXT = '^.+$';

describe('JSON annotation values', () => {
  it('parses JSON, and nothing else or anything too long', () => {
    assert.deepEqual(parseJsonValue('{"a":{"b":"c"}}'), { a: { b: 'c' } });
    for (const bad of ['{a:1}', '', undefined, 42, `"${'x'.repeat(MAX_ANNOTATION_BYTES)}"`])
      assert.equal(parseJsonValue(bad), undefined, String(bad).slice(0, 20));
  });

  it('accepts a nested string map only when every key and value matches (all or nothing)', () => {
    const ok = { '--ip': { 'worker-0': '10.0.0.1', 'worker-1': '10.0.0.2' } };
    assert.deepEqual(nestedStringMap(ok, PARAM, NODE, TEXT), ok);
    const bad: unknown[] = [
      {},
      { '--ip': {} },
      { ip: { 'worker-0': '10.0.0.1' } },
      { '--ip': { 'Worker 0': '10.0.0.1' } },
      { '--ip': { 'worker-0': '' } },
      { '--ip': { 'worker-0': 'a\nb' } },
      { '--ip': { 'worker-0': 1 } },
      { '--ip': ['worker-0'] },
      JSON.parse('{"__proto__": {"worker-0": "x"}}'),
      [],
      'text',
    ];
    for (const b of bad) assert.equal(nestedStringMap(b, PARAM, NODE, TEXT), undefined, JSON.stringify(b));
  });
});
