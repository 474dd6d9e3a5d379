// The decoder against messages written field by field with protobufjs' writer, after the API's
// layout; e2e/node-watch.serial.test.ts checks it against what a real API server sends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs/minimal.js';
import { decodeNodeCapacityList } from './node-capacity-proto.js';

const tag = (field: number, wireType: number): number => (field << 3) | wireType;
type W = protobuf.Writer;

/** Writes an embedded message (length-delimited) built by `body`. */
const message = (w: W, field: number, body: (w: W) => void): W => {
  w.uint32(tag(field, 2)).fork();
  body(w);
  return w.ldelim();
};

function node(w: W, name: string, capacity: Record<string, string>): void {
  message(w, 1, (m) => {
    m.uint32(tag(1, 2)).string(name);
    m.uint32(tag(3, 2)).string(`uid-${name}`); // uid: skipped
    m.uint32(tag(8, 0)).int64(7); // generation: a varint, skipped
  });
  message(w, 2, (spec) => spec.uint32(tag(3, 2)).string('provider://x')); // spec: skipped
  message(w, 3, (status) => {
    for (const [k, v] of Object.entries(capacity)) message(status, 1, (e) => message(e.uint32(tag(1, 2)).string(k), 2, (q) => q.uint32(tag(1, 2)).string(v)));
    // images: skipped without being read
    for (let i = 0; i < 3; i++)
      message(status, 10, (img) =>
        img
          .uint32(tag(1, 2))
          .string(`quay.io/x/image-${i}`)
          .uint32(tag(2, 0))
          .int64(1000 + i),
      );
    status.uint32(tag(99, 1)).fixed64(1); // an unknown fixed64 field
  });
}

function envelope(list: (w: W) => void, contentEncoding = ''): Uint8Array {
  const raw = protobuf.Writer.create();
  list(raw);
  const w = protobuf.Writer.create();
  message(w, 1, (tm) => tm.uint32(tag(1, 2)).string('v1').uint32(tag(2, 2)).string('NodeList'));
  w.uint32(tag(2, 2)).bytes(raw.finish());
  if (contentEncoding) w.uint32(tag(3, 2)).string(contentEncoding);
  w.uint32(tag(4, 2)).string('');
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), w.finish()]);
}

describe('decodeNodeCapacityList', () => {
  it('reads names, capacity keys and the continue token; skips everything else', () => {
    const buf = envelope((w) => {
      message(w, 1, (meta) => meta.uint32(tag(2, 2)).string('12345').uint32(tag(3, 2)).string('next-page').uint32(tag(4, 0)).int64(9));
      message(w, 2, (n) => node(n, 'worker-0', { cpu: '64', 'nvidia.com/gpu': '2', 'devices.kubevirt.io/kvm': '1k' }));
      message(w, 2, (n) => node(n, 'worker-1', {}));
    });
    assert.deepEqual(decodeNodeCapacityList(buf), {
      nodes: [
        { name: 'worker-0', capacityKeys: ['cpu', 'nvidia.com/gpu', 'devices.kubevirt.io/kvm'] },
        { name: 'worker-1', capacityKeys: [] },
      ],
      continueToken: 'next-page',
    });
  });

  it('the last page has no continue token; an empty list has no nodes', () => {
    assert.deepEqual(decodeNodeCapacityList(envelope((w) => message(w, 1, (meta) => meta.uint32(tag(2, 2)).string('1')))), { nodes: [], continueToken: '' });
  });

  it('refuses what is not a Kubernetes protobuf message, or one it cannot read', () => {
    assert.throws(() => decodeNodeCapacityList(Buffer.from('{"kind":"NodeList"}')), /not a Kubernetes protobuf message/);
    assert.throws(() => decodeNodeCapacityList(envelope(() => undefined, 'gzip')), /unsupported protobuf content encoding "gzip"/);
    const truncated = envelope((w) => message(w, 2, (n) => node(n, 'worker-0', { 'nvidia.com/gpu': '1' })));
    assert.throws(() => decodeNodeCapacityList(truncated.subarray(0, truncated.length - 5)));
  });
});
