// The API server's protobuf wire form, for the few messages the operator reads in it (Node
// metadata and capacity, where JSON costs the most): the envelope every object comes in, and a
// field walker on protobufjs' reader that skips, by their length and without decoding them, the
// fields a reader does not ask for. Field numbers are the API's (k8s.io/apimachinery and k8s.io/api
// generated.proto files), part of its compatibility guarantee.
import protobuf from 'protobufjs/minimal.js';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
export const isProtobuf = (contentType: string): boolean => contentType.startsWith(PROTOBUF);

export type Reader = protobuf.Reader;
export const VARINT = 0;
export const BYTES = 2;

/** Visits the fields of the message ending at `end`: `visit` reads the ones it wants and returns
 *  true; every other field is skipped. */
export function eachField(r: Reader, end: number, visit: (field: number, wireType: number) => boolean): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (!visit(tag >>> 3, tag & 7)) r.skipType(tag & 7);
  }
}

/** Where the embedded message that starts here ends (its length is read). */
export const messageEnd = (r: Reader): number => r.uint32() + r.pos;

/** Reads the string field `field` of the message ending at `end` ('' when absent). */
export function stringField(r: Reader, end: number, field: number): string {
  let out = '';
  eachField(r, end, (f, wt) => wt === BYTES && f === field && ((out = r.string()), true));
  return out;
}

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** The envelope ("k8s\0" + runtime.Unknown{typeMeta = 1{kind = 2}, raw = 2, contentEncoding = 3}):
 *  the kind it holds and a reader over the message. */
export function openEnvelope(buf: Uint8Array): { kind: string; raw: Reader } {
  if (buf.length < MAGIC.length || MAGIC.some((b, i) => buf[i] !== b)) throw new Error('not a Kubernetes protobuf message');
  const r = protobuf.Reader.create(buf.subarray(MAGIC.length));
  let kind = '';
  let raw: Uint8Array | undefined;
  let encoding = '';
  eachField(r, r.len, (f, wt) => {
    if (wt !== BYTES) return false;
    if (f === 1) kind = stringField(r, messageEnd(r), 2);
    else if (f === 2) raw = r.bytes();
    else if (f === 3) encoding = r.string();
    else return false;
    return true;
  });
  if (encoding) throw new Error(`unsupported protobuf content encoding "${encoding}"`);
  if (!raw) throw new Error('protobuf envelope without a message');
  return { kind, raw: protobuf.Reader.create(raw) };
}

export const reader = (buf: Uint8Array): Reader => protobuf.Reader.create(buf);

/** Cuts a protobuf watch stream (frames of a 4-byte big-endian length and a message) into frames,
 *  whatever the chunking; only a frame that spans two chunks is copied. */
export class WatchFrames {
  private partial: Buffer | undefined;

  push(chunk: Buffer): Uint8Array[] {
    const frames: Uint8Array[] = [];
    let at = 0;
    if (this.partial) {
      // Complete the frame that began in an earlier chunk: its header first, then its body.
      let head = this.partial;
      if (head.length < 4) {
        const take = Math.min(4 - head.length, chunk.length);
        head = Buffer.concat([head, chunk.subarray(0, take)]);
        at = take;
        if (head.length < 4) {
          this.partial = head;
          return frames;
        }
      }
      const missing = 4 + head.readUInt32BE(0) - head.length;
      const take = Math.min(missing, chunk.length - at);
      head = Buffer.concat([head, chunk.subarray(at, at + take)]);
      at += take;
      if (take < missing) {
        this.partial = head;
        return frames;
      }
      frames.push(head.subarray(4));
      this.partial = undefined;
    }
    while (chunk.length - at >= 4) {
      const size = chunk.readUInt32BE(at);
      if (chunk.length - at - 4 < size) break;
      frames.push(chunk.subarray(at + 4, at + 4 + size));
      at += 4 + size;
    }
    if (at < chunk.length) this.partial = Buffer.from(chunk.subarray(at));
    return frames;
  }
}
