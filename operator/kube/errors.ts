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
