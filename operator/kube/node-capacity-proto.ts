// Reads a NodeList in protobuf (Accept: application/vnd.kubernetes.protobuf) for the one thing the
// capacity scan needs: each Node's name and the keys of status.capacity. Everything else — the 50
// image names of a Node above all — is skipped by its length without being decoded, so a page of
// Nodes is a walk over bytes instead of a JSON parse that builds every object.
//   NodeList{metadata = 1: ListMeta{continue = 3}, items = 2}                  (k8s.io/api core/v1)
//   Node{metadata = 1: ObjectMeta{name = 1}, status = 3: NodeStatus{capacity = 1: map<string, Quantity>}}
//   a map entry{key = 1, value = 2}
import { BYTES, eachField, messageEnd, openEnvelope, stringField, type Reader } from './protobuf.js';

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

/** The Nodes of one page and the continue token of the next ('' on the last page). */
export function decodeNodeCapacityList(buf: Uint8Array): { nodes: NodeCapacity[]; continueToken: string } {
  const { raw: r } = openEnvelope(buf);
  const nodes: NodeCapacity[] = [];
  let continueToken = '';
  eachField(r, r.len, (field, wt) => {
    if (wt !== BYTES) return false;
    if (field === 2) nodes.push(readNode(r, messageEnd(r)));
    else if (field === 1) continueToken = stringField(r, messageEnd(r), 3);
    else return false;
    return true;
  });
  return { nodes, continueToken };
}
