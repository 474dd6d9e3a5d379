// Reads a NodeList in protobuf (Accept: application/vnd.kubernetes.protobuf) for the one thing the
// capacity scan needs: each Node's name and the keys of status.capacity. Everything else — the 50
// image names of a Node above all — is skipped by its length without being decoded, so a page of
// Nodes is a walk over bytes instead of a JSON parse that builds every object.
//   NodeList{metadata = 1: ListMeta{continue = 3}, items = 2}                  (k8s.io/api core/v1)
//   Node{metadata = 1: ObjectMeta{name = 1}, status = 3: NodeStatus{capacity = 1: map<string, Quantity>}}
//   a map entry{key = 1, value = 2}
import { BYTES, eachField, messageEnd, reader, stringField, type Reader } from './protobuf.js';
import { ProtobufListStream } from './protobuf-list-stream.js';

export interface NodeCapacity {
  name: string;
  capacityKeys: string[];
}

function readNode(r: Reader, end: number): NodeCapacity {
  const node: NodeCapacity = { name: '', capacityKeys: [] };
  eachField(r, end, (field, wt) => {
    if (wt !== BYTES) return false;
    if (field === 1) node.name = stringField(r, messageEnd(r), 1);
    else if (field === 3)
      eachField(r, messageEnd(r), (status, swt) => swt === BYTES && status === 1 && (node.capacityKeys.push(stringField(r, messageEnd(r), 1)), true));
    else return false;
    return true;
  });
  return node;
}

/** One page of a NodeList read as it arrives: `onNode` gets each Node once its bytes are in (its
 *  bytes are then dropped); `end` gives the continue token of the next page ('' on the last). */
export function nodeCapacityListStream(onNode: (node: NodeCapacity) => void): { push: (chunk: Uint8Array) => void; end: () => string } {
  let continueToken = '';
  const stream = new ProtobufListStream({
    item: (bytes) => onNode(readNode(reader(bytes), bytes.length)),
    listMeta: (bytes) => (continueToken = stringField(reader(bytes), bytes.length, 3)),
  });
  return {
    push: (chunk) => stream.push(chunk),
    end: () => (stream.end(), continueToken),
  };
}

/** The Nodes of one page held whole, and the continue token of the next ('' on the last page). */
export function decodeNodeCapacityList(buf: Uint8Array): { nodes: NodeCapacity[]; continueToken: string } {
  const nodes: NodeCapacity[] = [];
  const stream = nodeCapacityListStream((n) => nodes.push(n));
  stream.push(buf);
  return { nodes, continueToken: stream.end() };
}
