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
import { ProtobufListStream } from './protobuf-list-stream.js';
import type { KubeList, KubeObject, ObjectMeta } from '../vocabulary/object.js';

/** Accept headers: protobuf first, JSON (the same PartialObjectMetadata) if that is all there is. */
export const METADATA_WATCH_ACCEPT = `${PROTOBUF};as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1;q=0.9`;
export const METADATA_LIST_ACCEPT = `${PROTOBUF};as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1;q=0.9`;

/** Which labels to decode (all by default): the others are skipped unread. */
export type LabelFilter = (key: string) => boolean;

function readObjectMeta(r: Reader, end: number, keep?: LabelFilter): ObjectMeta {
  const meta: ObjectMeta = {};
  eachField(r, end, (f, wt) => {
    if (wt !== BYTES) return false;
    if (f === 1) meta.name = r.string();
    else if (f === 3) meta.namespace = r.string();
    else if (f === 6) meta.resourceVersion = r.string();
    else if (f === 11) {
      const entry = readLabel(r, messageEnd(r), keep);
      if (entry) (meta.labels ??= {})[entry[0]] = entry[1];
    } else return false;
    return true;
  });
  return meta;
}

/** A label map entry {key = 1, value = 2}; undefined when the filter does not keep the key (its
 *  value is then not decoded). The API server writes the key first. */
function readLabel(r: Reader, end: number, keep?: LabelFilter): [string, string] | undefined {
  let key: string | undefined;
  let value = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | BYTES)) {
      key = r.string();
      if (keep && !keep(key)) {
        r.pos = end;
        return undefined;
      }
    } else if (tag === ((2 << 3) | BYTES)) value = r.string();
    else r.skipType(tag & 7);
  }
  return key === undefined || (keep && !keep(key)) ? undefined : [key, value];
}

/** A PartialObjectMetadata message (the bytes of the envelope's raw). */
function readPartial(r: Reader, end: number, keep?: LabelFilter): KubeObject {
  const obj: KubeObject = { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata' };
  eachField(r, end, (f, wt) => wt === BYTES && f === 1 && ((obj.metadata = readObjectMeta(r, messageEnd(r), keep)), true));
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

/** One page of a metadata-only list read as it arrives: `onItem` gets each object once its bytes
 *  are in; `end` gives the list's resourceVersion and the continue token ('' on the last page). */
export function metadataListStream(
  onItem: (item: KubeObject) => void,
  keep?: LabelFilter,
): { push: (chunk: Uint8Array) => void; end: () => { resourceVersion: string; continueToken: string } } {
  let resourceVersion = '';
  let continueToken = '';
  const stream = new ProtobufListStream({
    item: (bytes) => onItem(readPartial(reader(bytes), bytes.length, keep)),
    listMeta: (bytes) => {
      const r = reader(bytes);
      eachField(r, bytes.length, (m, mwt) => {
        if (mwt !== BYTES) return false;
        if (m === 2) resourceVersion = r.string();
        else if (m === 3) continueToken = r.string();
        else return false;
        return true;
      });
    },
  });
  return {
    push: (chunk) => stream.push(chunk),
    end: () => (stream.end(), { resourceVersion, continueToken }),
  };
}

/** One page of a metadata-only list held whole. */
export function decodeMetadataList(buf: Uint8Array, keep?: LabelFilter): { items: KubeObject[]; resourceVersion: string; continueToken: string } {
  const items: KubeObject[] = [];
  const stream = metadataListStream((i) => items.push(i), keep);
  stream.push(buf);
  return { items, ...stream.end() };
}

/** One watch event (a frame without its length prefix). */
export function decodeMetadataWatchEvent(frame: Uint8Array, keep?: LabelFilter): { type: string; object: KubeObject } {
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
  const object = env.kind === 'Status' || type === 'ERROR' ? readStatus(env.raw, env.raw.len) : readPartial(env.raw, env.raw.len, keep);
  return { type, object };
}

/** Lists every page in the metadata-only form (protobuf, or JSON when that is what comes back). */
export async function listMetadata(
  client: KubeClient,
  path: string,
  query: Query,
  pageSize: number,
  onItem: (item: KubeObject) => void,
  keep?: LabelFilter,
): Promise<{ resourceVersion: string }> {
  let cont = '';
  let resourceVersion = '';
  do {
    let stream: ReturnType<typeof metadataListStream> | undefined;
    const { body } = await client.requestBytes('GET', path, {
      query: { ...query, limit: pageSize, continue: cont || undefined },
      accept: METADATA_LIST_ACCEPT,
      verb: 'list',
      stream: (contentType) => (isProtobuf(contentType) ? (stream = metadataListStream(onItem, keep)).push : undefined),
    });
    if (stream) {
      const page = stream.end();
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
