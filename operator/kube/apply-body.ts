// The body of a Server-Side Apply request. The API server reads application/apply-patch+yaml with
// a YAML 1.1 parser (go-yaml v2 via sigs.k8s.io/yaml); JSON text is valid YAML, but that parser
// refuses some raw characters JSON allows (DEL, C1 controls, U+FFFE/U+FFFF). Those are written as
// \uXXXX escapes, which YAML's double-quoted strings read back as the same character. A lone
// UTF-16 surrogate cannot be carried at all (YAML refuses the escape, and Kubernetes strings are
// UTF-8): such a body is refused before any request.
import { jsonText } from '../util/json-text.js';

export class UnencodableError extends Error {
  override name = 'UnencodableError';
}

const YAML_UNPRINTABLE = /[\u007f-\u009f\ufeff\ufffe\uffff]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function encodeString(s: string): string {
  if (LONE_SURROGATE.test(s)) {
    throw new UnencodableError(`the object holds a string with a lone UTF-16 surrogate, which Kubernetes cannot store: ${JSON.stringify(s.slice(0, 60))}`);
  }
  return JSON.stringify(s).replace(YAML_UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON text the apply endpoint's YAML parser reads back exactly; any depth. */
export function applyBody(obj: unknown): string {
  return jsonText(obj, { string: encodeString });
}
