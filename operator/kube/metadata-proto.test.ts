// The metadata decoder against messages written field by field with protobufjs' writer, after
// the API's layout; e2e/node-watch.serial.test.ts checks it against a real API server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs/minimal.js';
import { decodeMetadataList, decodeMetadataWatchEvent } from './metadata-proto.js';
import { WatchFrames } from './protobuf.js';

type W = protobuf.Writer;
const tag = (field: number, wireType: number): number => (field << 3) | wireType;
const message = (w: W, field: number, body: (w: W) => void): W => {
  w.uint32(tag(field, 2)).fork();
  body(w);
  return w.ldelim();
};
const str = (w: W, field: number, s: string): W => w.uint32(tag(field, 2)).string(s);

function objectMeta(w: W, name: string, rv: string, labels: Record<string, string>): void {
  str(w, 1, name);
  str(w, 5, `uid-${name}`);
  str(w, 6, rv);
  w.uint32(tag(7, 0)).int64(3);
  for (const [k, v] of Object.entries(labels)) message(w, 11, (e) => str(str(e, 1, k), 2, v));
  message(w, 12, (e) => str(str(e, 1, 'note'), 2, 'x'.repeat(100))); // annotations: skipped
  for (let i = 0; i < 3; i++) message(w, 17, (mf) => str(str(mf, 1, 'kubelet'), 2, 'Update')); // managedFields: skipped
}

function envelope(kind: string, body: (w: W) => void): Uint8Array {
  const raw = protobuf.Writer.create();
  body(raw);
  const w = protobuf.Writer.create();
  message(w, 1, (tm) => str(str(tm, 1, kind === 'Status' ? 'v1' : 'meta.k8s.io/v1'), 2, kind));
  w.uint32(tag(2, 2)).bytes(raw.finish());
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), w.finish()]);
}

const partial = (name: string, rv: string, labels: Record<string, string>): Uint8Array =>
  envelope('PartialObjectMetadata', (w) => message(w, 1, (m) => objectMeta(m, name, rv, labels)));

function watchEvent(type: string, object: Uint8Array): Buffer {
  const w = protobuf.Writer.create();
  str(w, 1, type);
  message(w, 2, (raw) => raw.uint32(tag(1, 2)).bytes(object));
  const frame = w.finish();
  const len = Buffer.alloc(4);
  len.writeUInt32BE(frame.length);
  return Buffer.concat([len, frame]);
}

describe('metadata-proto', () => {
  it('a list page: items (name, resourceVersion, labels), the list resourceVersion and continue token', () => {
    const buf = envelope('PartialObjectMetadataList', (w) => {
      message(w, 1, (meta) => str(str(meta, 2, '500'), 3, 'more'));
      message(w, 2, (item) =>
        message(item, 1, (m) => objectMeta(m, 'worker-0', '41', { 'node-role.kubernetes.io/worker': '', 'feature.node.kubernetes.io/memory-numa': 'true' })),
      );
      message(w, 2, (item) => message(item, 1, (m) => objectMeta(m, 'worker-1', '42', {})));
    });
    assert.deepEqual(decodeMetadataList(buf), {
      items: [
        {
          apiVersion: 'meta.k8s.io/v1',
          kind: 'PartialObjectMetadata',
          metadata: {
            name: 'worker-0',
            resourceVersion: '41',
            labels: { 'node-role.kubernetes.io/worker': '', 'feature.node.kubernetes.io/memory-numa': 'true' },
          },
        },
        { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: { name: 'worker-1', resourceVersion: '42' } },
      ],
      resourceVersion: '500',
      continueToken: 'more',
    });
  });

  it('watch events: ADDED, BOOKMARK, and an ERROR carrying a Status (410 Gone)', () => {
    const added = decodeMetadataWatchEvent(watchEvent('ADDED', partial('n', '7', { a: 'b' })).subarray(4));
    assert.deepEqual(added, {
      type: 'ADDED',
      object: { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: { name: 'n', resourceVersion: '7', labels: { a: 'b' } } },
    });
    assert.equal(decodeMetadataWatchEvent(watchEvent('BOOKMARK', partial('', '99', {})).subarray(4)).object.metadata?.resourceVersion, '99');
    const status = envelope('Status', (w) => {
      str(w, 2, 'Failure');
      str(w, 3, 'too old resource version: 1 (200)');
      str(w, 4, 'Expired');
      w.uint32(tag(6, 0)).int32(410);
    });
    assert.deepEqual(decodeMetadataWatchEvent(watchEvent('ERROR', status).subarray(4)), {
      type: 'ERROR',
      object: { apiVersion: 'v1', kind: 'Status', code: 410, message: 'too old resource version: 1 (200)', reason: 'Expired' },
    });
  });

  it('WatchFrames cuts a stream into frames whatever the chunking', () => {
    const stream = Buffer.concat([1, 2, 3].map((i) => watchEvent('MODIFIED', partial(`n${i}`, String(i), { i: String(i) }))));
    for (const size of [1, 2, 3, 5, 7, 64, 100, stream.length]) {
      const frames = new WatchFrames();
      const names: string[] = [];
      for (let at = 0; at < stream.length; at += size)
        for (const f of frames.push(stream.subarray(at, at + size))) names.push(decodeMetadataWatchEvent(f).object.metadata!.name!);
      assert.deepEqual(names, ['n1', 'n2', 'n3'], `chunks of ${size}`);
    }
  });

  it('decodes only the labels the filter keeps', () => {
    const keep = (k: string): boolean => k.startsWith('feature.node.kubernetes.io/memory');
    const ev = decodeMetadataWatchEvent(
      watchEvent(
        'ADDED',
        partial('n', '7', { 'feature.node.kubernetes.io/cpu-cpuid.AVX2': 'true', 'feature.node.kubernetes.io/memory-numa': 'true', zone: 'a' }),
      ).subarray(4),
      keep,
    );
    assert.deepEqual(ev.object.metadata?.labels, { 'feature.node.kubernetes.io/memory-numa': 'true' });
    assert.equal(decodeMetadataWatchEvent(watchEvent('ADDED', partial('m', '8', { zone: 'a' })).subarray(4), keep).object.metadata?.labels, undefined);
  });

  it('refuses what it cannot read', () => {
    assert.throws(() => decodeMetadataList(Buffer.from('{"kind":"List"}')), /not a Kubernetes protobuf message/);
    assert.throws(() => decodeMetadataWatchEvent(watchEvent('ADDED', new Uint8Array()).subarray(4)), /not a Kubernetes protobuf message/);
  });
});
