// PartialObjectMetadata in the API server's protobuf form, for metadata-only lists and watches
// (what client-go's metadata client asks for too). A Node's metadata in JSON is mostly its
// managedFields, which the operator never reads; here they, and every other field it does not
// read, are skipped by their length, and only name, namespace, resourceVersion and labels are
// decoded. The layout is the API's (field numbers are part of its compatibility guarantee):
//   list      "k8s\0" + runtime.Unknown{typeMeta = 1{kind = 2}, raw = 2, contentEncoding = 3}
//             raw: PartialObjectMetadataList{metadata = 1: ListMeta{resourceVersion = 2, continue = 3}, items = 2}
//   watch     frames of a 4-byte big-endian length + WatchEvent{type = 1, object = 2: RawExtension{raw = 1}},
//             raw: the same envelope around a PartialObjectMetadata, or a Status on an ERROR
//   PartialObjectMetadata{metadata = 1: ObjectMeta{name = 1, namespace = 3, resourceVersion = 6,
//             labels = 11: map entries {key = 1, value = 2}}}
//   Status{message = 3, reason = 4, code = 6}
// (k8s.io/apimachinery: pkg/apis/meta/v1/generated.proto, pkg/runtime/generated.proto.)
import type { KubeClient, Query } from './client.js';
import { BYTES, eachField, isProtobuf, messageEnd, openEnvelope, PROTOBUF, reader, VARINT, type Reader } from './protobuf.js';
import type { KubeList, KubeObject, ObjectMeta } from './types.js';

/** Accept headers: protobuf first, JSON (the same PartialObjectMetadata) if that is all there is. */
export const METADATA_WATCH_ACCEPT = `${PROTOBUF};as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1;q=0.9`;
export const METADATA_LIST_ACCEPT = `${PROTOBUF};as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1;q=0.9`;

function readObjectMeta(r: Reader, end: number): ObjectMeta {
  const meta: ObjectMeta = {};
  eachField(r, end, (f, wt) => {
    if (wt !== BYTES) return false;
    if (f === 1) meta.name = r.string();
    else if (f === 3) meta.namespace = r.string();
    else if (f === 6) meta.resourceVersion = r.string();
    else if (f === 11) {
      let key = '';
      let value = '';
      eachField(r, messageEnd(r), (e, ewt) => {
        if (ewt !== BYTES || (e !== 1 && e !== 2)) return false;
        if (e === 1) key = r.string();
        else value = r.string();
        return true;
      });
      (meta.labels ??= {})[key] = value;
    } else return false;
    return true;
  });
  return meta;
}

/** A PartialObjectMetadata message (the bytes of the envelope's raw). */
function readPartial(r: Reader, end: number): KubeObject {
  const obj: KubeObject = { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata' };
  eachField(r, end, (f, wt) => wt === BYTES && f === 1 && ((obj.metadata = readObjectMeta(r, messageEnd(r))), true));
  return obj;
}

function readStatus(r: Reader, end: number): KubeObject {
  const status: KubeObject & { code?: number; message?: string; reason?: string } = { apiVersion: 'v1', kind: 'Status' };
  eachField(r, end, (f, wt) => {
    if (f === 6 && wt === VARINT) status.code = r.int32();
    else if (f === 3 && wt === BYTES) status.message = r.string();
    else if (f === 4 && wt === BYTES) status.reason = r.string();
    else return false;
    return true;
  });
  return status;
}

/** One page of a metadata-only list. */
export function decodeMetadataList(buf: Uint8Array): { items: KubeObject[]; resourceVersion: string; continueToken: string } {
  const { raw: r } = openEnvelope(buf);
  const items: KubeObject[] = [];
  let resourceVersion = '';
  let continueToken = '';
  eachField(r, r.len, (f, wt) => {
    if (wt !== BYTES) return false;
    if (f === 2) items.push(readPartial(r, messageEnd(r)));
    else if (f === 1)
      eachField(r, messageEnd(r), (m, mwt) => {
        if (mwt !== BYTES) return false;
        if (m === 2) resourceVersion = r.string();
        else if (m === 3) continueToken = r.string();
        else return false;
        return true;
      });
    else return false;
    return true;
  });
  return { items, resourceVersion, continueToken };
}

/** One watch event (a frame without its length prefix). */
export function decodeMetadataWatchEvent(frame: Uint8Array): { type: string; object: KubeObject } {
  const r = reader(frame);
  let type = '';
  let raw: Uint8Array | undefined;
  eachField(r, r.len, (f, wt) => {
    if (wt !== BYTES) return false;
    if (f === 1) type = r.string();
    else if (f === 2) eachField(r, messageEnd(r), (o, owt) => owt === BYTES && o === 1 && ((raw = r.bytes()), true));
    else return false;
    return true;
  });
  if (!raw) throw new Error(`watch event ${type} without an object`);
  const env = openEnvelope(raw);
  const object = env.kind === 'Status' || type === 'ERROR' ? readStatus(env.raw, env.raw.len) : readPartial(env.raw, env.raw.len);
  return { type, object };
}

/** Cuts a protobuf watch stream into frames, whatever the chunking. */
export class WatchFrames {
  private pending: Buffer = Buffer.alloc(0);

  /** The complete frames the stream holds after this chunk. */
  push(chunk: Buffer): Uint8Array[] {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Uint8Array[] = [];
    let at = 0;
    while (buf.length - at >= 4) {
      const size = buf.readUInt32BE(at);
      if (buf.length - at - 4 < size) break;
      frames.push(buf.subarray(at + 4, at + 4 + size));
      at += 4 + size;
    }
    // Kept as a copy: the frames above are views of `buf`, and what is left must not pin it.
    this.pending = at === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
    return frames;
  }
}

/** Lists every page in the metadata-only form (protobuf, or JSON when that is what comes back). */
export async function listMetadata(client: KubeClient, path: string, query: Query, pageSize: number, onItem: (item: KubeObject) => void): Promise<{ resourceVersion: string }> {
  let cont = '';
  let resourceVersion = '';
  do {
    const { body, contentType } = await client.requestBytes('GET', path, { query: { ...query, limit: pageSize, continue: cont || undefined }, accept: METADATA_LIST_ACCEPT, verb: 'list' });
    if (isProtobuf(contentType)) {
      const page = decodeMetadataList(body);
      page.items.forEach(onItem);
      cont = page.continueToken;
      resourceVersion = page.resourceVersion || resourceVersion;
    } else {
      const page = JSON.parse(body.toString('utf8')) as KubeList;
      page.items.forEach(onItem);
      cont = page.metadata?.continue ?? '';
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    }
  } while (cont);
  return { resourceVersion };
}
