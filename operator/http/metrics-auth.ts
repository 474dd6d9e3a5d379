// Authentication and authorization of /metrics scrapers, as controller-runtime's
// filters.WithAuthenticationAndAuthorization does it: the bearer token is authenticated by a
// TokenReview, the user it names is authorized by a SubjectAccessReview for the non-resource URL
// (get /metrics). No token or a rejected one: 401; not allowed: 403. Results are cached as
// controller-runtime caches them (token 1 min; allowed 5 min, denied 30 s), so a scraper every
// 30 s costs at most one TokenReview a minute and one SubjectAccessReview per 5 minutes; the
// caches are bounded, so garbage tokens cannot grow memory.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';

export interface AuthTtls {
  tokenMs: number;
  allowMs: number;
  denyMs: number;
}

export const DEFAULT_AUTH_TTLS: AuthTtls = { tokenMs: 60_000, allowMs: 300_000, denyMs: 30_000 };
const MAX_ENTRIES = 1024;
/** A token larger than this is refused without a request (ServiceAccount tokens are ~1 KiB). */
const MAX_TOKEN_BYTES = 16 * 1024;

interface UserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

type TokenReview = KubeObject & { status?: { authenticated?: boolean; user?: UserInfo; error?: string } };
type SubjectAccessReview = KubeObject & { status?: { allowed?: boolean; denied?: boolean; reason?: string } };

export type AuthResult = { ok: true; user: string } | { ok: false; status: 401 | 403 | 500; message: string };

/** A small TTL cache with a size bound (the oldest entry goes first). */
class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  get(key: string, now: number): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, ttlMs: number, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expires: now + ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }
}

export class MetricsAuth {
  private readonly tokens = new TtlCache<UserInfo | null>();
  private readonly decisions = new TtlCache<boolean>();

  constructor(
    private readonly client: KubeClient,
    private readonly ttls: AuthTtls = DEFAULT_AUTH_TTLS,
    private readonly now: () => number = Date.now,
  ) {}

  async check(req: http.IncomingMessage, path: string): Promise<AuthResult> {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1] || m[1].length > MAX_TOKEN_BYTES) return { ok: false, status: 401, message: 'Unauthorized: a bearer token is required' };
    let user: UserInfo | null;
    try {
      user = await this.authenticate(m[1]);
    } catch (e) {
      return { ok: false, status: 401, message: `Unauthorized: the token could not be reviewed (${(e as Error).message})` };
    }
    if (!user) return { ok: false, status: 401, message: 'Unauthorized' };
    const verb = (req.method ?? 'GET').toLowerCase();
    let allowed: boolean;
    try {
      allowed = await this.authorize(user, verb, path);
    } catch (e) {
      return { ok: false, status: 500, message: `authorization failed: ${(e as Error).message}` };
    }
    if (!allowed) return { ok: false, status: 403, message: `Forbidden: user "${user.username}" may not ${verb} ${path}` };
    return { ok: true, user: user.username };
  }

  private async authenticate(token: string): Promise<UserInfo | null> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.tokens.get(key, this.now());
    if (cached !== undefined) return cached;
    const review = await this.client.create<TokenReview>('/apis/authentication.k8s.io/v1/tokenreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token },
    });
    const user = review.status?.authenticated && review.status.user?.username ? review.status.user : null;
    this.tokens.set(key, user, this.ttls.tokenMs, this.now());
    return user;
  }

  private async authorize(user: UserInfo, verb: string, path: string): Promise<boolean> {
    const key = JSON.stringify([user.username, user.uid ?? '', [...(user.groups ?? [])].sort(), verb, path]);
    const cached = this.decisions.get(key, this.now());
    if (cached !== undefined) return cached;
    const review = await this.client.create<SubjectAccessReview>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, nonResourceAttributes: { path, verb } },
    });
    const allowed = review.status?.allowed === true;
    this.decisions.set(key, allowed, allowed ? this.ttls.allowMs : this.ttls.denyMs, this.now());
    return allowed;
  }

  /** Cached entries (tests check the bound). */
  get cacheSize(): { tokens: number; decisions: number } {
    return { tokens: this.tokens.size, decisions: this.decisions.size };
  }
}
