// A Kubernetes list in protobuf, read as its bytes arrive: each item is handed over as soon as its
// last byte is in, and its bytes are then dropped. A page of 250 full Nodes (≈2.5 MB with their
// images) thus costs the memory of one Node and of the chunks in flight, not of a body held
// whole and copied into one Buffer — which is what lifted the capacity scan's RSS peak.
//   "k8s\0" + runtime.Unknown{typeMeta = 1, raw = 2, contentEncoding = 3, contentType = 4}
//   raw: a List{metadata = 1: ListMeta, items = 2}          (k8s.io/apimachinery generated.proto)
// The envelope's raw field is not waited for: its length is read, then its fields are walked.

const MAGIC = [0x6b, 0x38, 0x73, 0x00];
const BYTES = 2;

export interface ListVisitor {
  /** One item of the list (the bytes of its message), valid during the call only. */
  item(bytes: Uint8Array): void;
  /** The list's ListMeta. */
  listMeta(bytes: Uint8Array): void;
}

/** A varint at `at`: its value and the position after it; undefined if it is not all there. */
function varint(buf: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let shift = 0, i = at; i < buf.length; shift += 7, i++) {
    if (shift > 63) throw new Error('malformed protobuf varint');
    const b = buf[i]!;
    // Past 2^53 a length is wrong anyway; lengths and tags are far below it.
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { value, next: i + 1 };
  }
  return undefined;
}

/** Where the field at `at` begins its payload and ends; undefined if its header is not all there. */
function field(buf: Uint8Array, at: number): { number: number; wireType: number; start: number; end: number } | undefined {
  const tag = varint(buf, at);
  if (!tag) return undefined;
  const wireType = tag.value % 8;
  const number = Math.floor(tag.value / 8);
  const start = tag.next;
  switch (wireType) {
    case 0: {
      const v = varint(buf, start);
      return v && { number, wireType, start, end: v.next };
    }
    case 1:
      return { number, wireType, start, end: start + 8 };
    case BYTES: {
      const len = varint(buf, start);
      return len && { number, wireType, start: len.next, end: len.next + len.value };
    }
    case 5:
      return { number, wireType, start, end: start + 4 };
    default:
      throw new Error(`unsupported protobuf wire type ${wireType}`);
  }
}

export class ProtobufListStream {
  /** Bytes received and not yet consumed (a field not complete yet). */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Bytes the next step needs before it can go on (0: unknown, try with what there is). */
  private need = 0;
  /** Bytes consumed so far, from the start of the body. */
  private offset = 0;
  /** Where the list (the envelope's raw field) ends; -1 before it began. */
  private listEnd = -1;
  private sawMagic = false;
  private encoding = '';

  constructor(private readonly visitor: ListVisitor) {}

  /** Bytes held, waiting for the rest of a field. */
  get buffered(): number {
    return this.pendingBytes;
  }

  push(chunk: Uint8Array): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.need) return;
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    const used = this.consume(buf);
    this.offset += used;
    // The rest waits for more bytes (a view: only an incomplete field is kept).
    this.pending = used < buf.length ? [buf.subarray(used)] : [];
    this.pendingBytes = buf.length - used;
  }

  /** The body has ended: throws when it was not one whole list. */
  end(): void {
    if (this.pendingBytes > 0 || !this.sawMagic || (this.listEnd >= 0 && this.offset < this.listEnd))
      throw new Error('truncated protobuf list (the body ended inside a field)');
    if (this.listEnd < 0) throw new Error('protobuf envelope without a message');
    if (this.encoding) throw new Error(`unsupported protobuf content encoding "${this.encoding}"`);
  }

  /** Reads every complete step at the head of `buf`; returns how many bytes it used. */
  private consume(buf: Uint8Array): number {
    let at = 0;
    this.need = 0;
    if (!this.sawMagic) {
      if (buf.length < MAGIC.length) return this.wait(MAGIC.length, 0);
      if (MAGIC.some((b, i) => buf[i] !== b)) throw new Error('not a Kubernetes protobuf message');
      this.sawMagic = true;
      at = MAGIC.length;
    }
    for (;;) {
      const inList = this.listEnd >= 0 && this.offset + at < this.listEnd;
      const f = at < buf.length ? field(buf, at) : undefined;
      if (!f) return this.wait(0, at);
      // The envelope's raw field: go inside at once, without waiting for all of it.
      if (!inList && this.listEnd < 0 && f.number === 2 && f.wireType === BYTES) {
        this.listEnd = this.offset + f.end;
        at = f.start;
        continue;
      }
      if (inList && this.offset + f.end > this.listEnd) throw new Error('malformed protobuf list (a field runs past the list)');
      if (f.end > buf.length) return this.wait(f.end - at, at);
      const payload = buf.subarray(f.start, f.end);
      if (inList && f.wireType === BYTES && f.number === 2) this.visitor.item(payload);
      else if (inList && f.wireType === BYTES && f.number === 1) this.visitor.listMeta(payload);
      else if (!inList && f.wireType === BYTES && f.number === 3) this.encoding = new TextDecoder().decode(payload);
      at = f.end;
    }
  }

  /** Stops at `at`; the next step needs `bytes` from there (0: unknown, any new chunk may do). */
  private wait(bytes: number, at: number): number {
    this.need = bytes;
    return at;
  }
}
