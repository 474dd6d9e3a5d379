// The list stream against envelopes written field by field with protobufjs' writer (the API's
// layout), cut into chunks at every place: the same items, each handed over once its last byte is
// in, and nothing held but the field not complete yet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import protobuf from 'protobufjs/minimal.js';
import { ProtobufListStream } from './protobuf-list-stream.js';

type W = protobuf.Writer;
const tag = (field: number, wireType: number): number => (field << 3) | wireType;
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** An envelope around a list of `items` (as bytes fields 2), a ListMeta, and other fields to skip. */
function envelope(items: string[], opts: { contentEncoding?: string; listMeta?: string } = {}): Buffer {
  const raw = protobuf.Writer.create();
  raw.uint32(tag(1, 2)).string(opts.listMeta ?? 'meta');
  for (const item of items) {
    raw.uint32(tag(2, 2)).string(item);
    raw.uint32(tag(7, 0)).uint64(2 ** 40); // an unknown varint
    raw.uint32(tag(8, 1)).fixed64(1); // an unknown fixed64
    raw.uint32(tag(9, 5)).fixed32(1); // an unknown fixed32
  }
  const w: W = protobuf.Writer.create();
  w.uint32(tag(1, 2)).fork().uint32(tag(2, 2)).string('NodeList').ldelim();
  w.uint32(tag(2, 2)).bytes(raw.finish());
  if (opts.contentEncoding) w.uint32(tag(3, 2)).string(opts.contentEncoding);
  w.uint32(tag(4, 2)).string('');
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), w.finish()]);
}

function collect(): { seen: string[]; meta: string[]; stream: ProtobufListStream } {
  const seen: string[] = [];
  const meta: string[] = [];
  return { seen, meta, stream: new ProtobufListStream({ item: (b) => seen.push(text(b)), listMeta: (b) => meta.push(text(b)) }) };
}

const ITEMS = ['a', 'x'.repeat(300), '', 'worker-2'.repeat(40)];

describe('ProtobufListStream', () => {
  it('reads every item and the ListMeta, whole or cut into chunks at any two places', () => {
    const body = envelope(ITEMS);
    for (let i = 0; i <= body.length; i += 7)
      for (let j = i; j <= body.length; j += 13) {
        const { seen, meta, stream } = collect();
        for (const part of [body.subarray(0, i), body.subarray(i, j), body.subarray(j)]) stream.push(part);
        stream.end();
        assert.deepEqual(seen, ITEMS, `cut at ${i} and ${j}`);
        assert.deepEqual(meta, ['meta']);
      }
  });

  it('byte by byte, or in random chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 400 }), { maxLength: 8 }), fc.array(fc.nat(64), { minLength: 1, maxLength: 30 }), (items, cuts) => {
        const body = envelope(items);
        const { seen, stream } = collect();
        let at = 0;
        for (let k = 0; at < body.length; k++) {
          const n = Math.max(1, cuts[k % cuts.length]!);
          stream.push(body.subarray(at, at + n));
          at += n;
        }
        stream.end();
        assert.deepEqual(
          seen,
          items.map((s) => text(Buffer.from(s, 'utf8'))),
        );
      }),
    );
  });

  it('hands each item over as soon as its bytes are in, and holds only the field still incomplete', () => {
    const body = envelope(ITEMS);
    const { seen, stream } = collect();
    const cut = body.indexOf(Buffer.from(ITEMS[3]!, 'latin1')) + 10; // inside the last item
    stream.push(body.subarray(0, cut));
    assert.deepEqual(seen, ITEMS.slice(0, 3), 'the items before the cut, before the body ended');
    assert.ok(stream.buffered < ITEMS[3]!.length, `${stream.buffered} bytes held`);
    stream.push(body.subarray(cut));
    assert.deepEqual(seen, ITEMS);
    assert.equal(stream.buffered, 0);
    stream.end();
  });

  it('refuses what is not a whole Kubernetes protobuf list', () => {
    assert.throws(() => collect().stream.push(Buffer.from('{"kind":"NodeList"}')), /not a Kubernetes protobuf message/);
    const gzip = collect().stream;
    gzip.push(envelope(['a'], { contentEncoding: 'gzip' }));
    assert.throws(() => gzip.end(), /unsupported protobuf content encoding "gzip"/);
    const body = envelope(ITEMS);
    for (const n of [0, 3, 10, body.length - 1]) {
      const s = collect().stream;
      s.push(body.subarray(0, n));
      assert.throws(() => s.end(), /truncated protobuf list|envelope without a message/, `${n} bytes`);
    }
    const noList = collect().stream;
    noList.push(Buffer.from('k8s\0', 'latin1'));
    assert.throws(() => noList.end(), /envelope without a message/);
  });

  it('refuses an item that runs past the end of the list', () => {
    // raw claims 3 bytes, but its one field says 5.
    const body = Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([tag(2, 2), 3, tag(2, 2), 5, 1, 2, 3, 4, 5])]);
    assert.throws(() => collect().stream.push(body), /runs past the list/);
  });
});
