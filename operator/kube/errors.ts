// API errors carry the HTTP status and the server's Status object, so callers can tell a
// missing object (404), a conflict (409) or a forbidden request (403) from a real failure.
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { reason?: string; message?: string; field?: string }[] };
}

export class KubeError extends Error {
  readonly reason: string;

  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: KubeStatus | undefined,
    rawText = '',
    /** From a Retry-After header (429, 503): how long the server asks us to wait. */
    readonly retryAfterMs?: number,
  ) {
    const detail = body?.message ?? (rawText.slice(0, 300) || `HTTP ${status}`);
    super(`${method} ${path}: ${status} ${detail}`);
    this.name = 'KubeError';
    this.reason = body?.reason ?? '';
  }
}

export function isStatus(err: unknown, ...codes: number[]): err is KubeError {
  return err instanceof KubeError && codes.includes(err.status);
}

/** A short, log-friendly description of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Whether an error says nothing about the request itself, only that the server or the network is
 * busy or away (a dropped socket, a timeout, 429, 5xx): retried quietly with backoff, never an
 * ApplyFailed Event (one per blip would be noise, and a Warning that fixes itself misleads).
 */
const HTTP2_TRANSIENT = [
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
];

export function isTransient(err: unknown): boolean {
  if (err instanceof KubeError) return err.status === 429 || err.status >= 500;
  if (!(err instanceof Error)) return false;
  // Abandoned on purpose (leadership lost, shutting down): nothing to retry.
  if (err.name === 'AbortError' || err.name === 'LeadershipLostError') return false;
  const code = (err as { code?: string }).code ?? '';
  return (
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET'].includes(code) ||
    // HTTP/2: a stream the server refused or reset, a session lost or going away.
    HTTP2_TRANSIENT.includes(code) ||
    /socket hang up|timed out|aborted|connection lost/i.test(err.message)
  );
}

/** The Retry-After header in ms (seconds, or an HTTP date), capped so a server cannot park us. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 60_000) : undefined;
}

/** A request abandoned on purpose: leadership lost or shutting down. */
export function isAbandoned(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'LeadershipLostError');
}
