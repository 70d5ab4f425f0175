import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/connection.ts';
import type { Logger } from 'pino';
import type { Database } from '../../db/connection.ts';
import type { Principal } from '../../services/context.ts';
import { CREDENTIALS_CHANNEL, credentialChanges, type CredentialChange } from '../../services/iam/credential-events.ts';
import { hashApiKey } from '../../services/iam/api-key-format.ts';
import { verifyToken } from '../../services/iam/jwt.ts';
import { unauthorized } from '../errors.ts';

interface CachedKey {
  principal: Principal;
  expiresAt: Date | null;
  cachedAt: number;
}

// A safety net only: revocations reach the cache at once through credential events and NOTIFY.
const CACHE_SECONDS = 60;
const LAST_USED_FLUSH_MS = 5000;
// Keys made for one face only (the license tracker's read-only `mlt_live_…`): refused wherever no face asks for them.
const FACE_ONLY_KEY_PREFIXES = ['mlt_live_'];

/**
 * Turns a presented credential into a principal. Keys are cached in memory so that a request
 * costs no database round trip; a revocation drops the entry at once (in-process event, and
 * NOTIFY for other instances), so a revoked key fails on its next request.
 */
export class CredentialResolver {
  private readonly keys = new Map<string, CachedKey>();
  private readonly users = new Map<number, { principal: Principal; cachedAt: number }>();
  private readonly lastUsed = new Map<number, Date>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly onChange = (change: CredentialChange) => this.forget(change);

  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    credentialChanges.on('change', this.onChange);
    await this.db.listen(CREDENTIALS_CHANNEL, (payload) => this.forget(payload as CredentialChange), () => this.forgetAll());
    this.flushTimer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS);
    this.flushTimer.unref();
  }

  async stop(): Promise<void> {
    credentialChanges.off('change', this.onChange);
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.flushLastUsed();
  }

  async fromApiKey(key: string, expectedPrefix?: string): Promise<Principal> {
    if (expectedPrefix && !key.startsWith(expectedPrefix)) throw unauthorized('Invalid API key');
    if (!expectedPrefix && FACE_ONLY_KEY_PREFIXES.some((prefix) => key.startsWith(prefix))) throw unauthorized('Invalid API key');
    const hash = hashApiKey(key);
    const now = this.now();
    let cached = this.keys.get(hash);
    if (!cached || now.getTime() - cached.cachedAt > CACHE_SECONDS * 1000) {
      cached = await this.loadKey(hash, now);
      if (cached) this.keys.set(hash, cached);
    }
    if (!cached) throw unauthorized('Invalid API key');
    if (cached.expiresAt && cached.expiresAt <= now) throw unauthorized('API key expired');
    this.lastUsed.set(cached.principal.apiKeysId!, now);
    return cached.principal;
  }

  async fromJwt(token: string): Promise<Principal> {
    const now = this.now();
    const { usersId } = await verifyToken(this.db, token, now);
    let cached = this.users.get(usersId);
    if (!cached || now.getTime() - cached.cachedAt > CACHE_SECONDS * 1000) {
      const principal = await this.loadUser(usersId);
      if (!principal) throw unauthorized('Invalid token');
      cached = { principal, cachedAt: now.getTime() };
      this.users.set(usersId, cached);
    }
    return cached.principal;
  }

  forget(change: CredentialChange): void {
    if (change === 'all') return this.forgetAll();
    if (change.startsWith('key:')) {
      this.keys.delete(change.slice(4));
      return;
    }
    const usersId = Number(change.slice(5));
    this.users.delete(usersId);
    for (const [hash, entry] of this.keys) if (entry.principal.usersId === usersId) this.keys.delete(hash);
  }

  forgetAll(): void {
    this.keys.clear();
    this.users.clear();
  }

  private async loadKey(hash: string, now: Date): Promise<CachedKey | undefined> {
    const [row] = await queryRows(this.db.orm, sql`
      SELECT k.id, k.users_id, k.roles, k.access, k.expires_at, u.login, u.time_zone, u.resellers_id, c.path
      FROM api_keys k
      JOIN users u ON u.id = k.users_id AND u.status = 'active'
      LEFT JOIN clients c ON c.id = u.resellers_id
      WHERE k.key_hash = ${hash} AND k.revoked_at IS NULL`);
    if (!row) return undefined;
    const roles = typeof row.roles === 'string' ? JSON.parse(row.roles) : row.roles;
    return {
      principal: {
        usersId: Number(row.users_id),
        login: String(row.login),
        apiKeysId: Number(row.id),
        scope: row.resellers_id === null ? null : { clientsId: Number(row.resellers_id), path: String(row.path) },
        timeZone: (row.time_zone as string | null) ?? null,
        roles: roles as string[],
        access: Number(row.access),
      },
      expiresAt: row.expires_at ? new Date(row.expires_at as string | Date) : null,
      cachedAt: now.getTime(),
    };
  }

  private async loadUser(usersId: number): Promise<Principal | undefined> {
    const [row] = await queryRows(this.db.orm, sql`
      SELECT u.id, u.login, u.time_zone, u.resellers_id, c.path
      FROM users u LEFT JOIN clients c ON c.id = u.resellers_id
      WHERE u.id = ${usersId} AND u.status = 'active'`);
    if (!row) return undefined;
    return {
      usersId,
      login: String(row.login),
      apiKeysId: null,
      scope: row.resellers_id === null ? null : { clientsId: Number(row.resellers_id), path: String(row.path) },
      timeZone: (row.time_zone as string | null) ?? null,
      roles: [],
      access: 2,
    };
  }

  private async flushLastUsed(): Promise<void> {
    if (this.lastUsed.size === 0) return;
    const batch = [...this.lastUsed];
    this.lastUsed.clear();
    try {
      for (const [id, at] of batch) {
        await this.db.orm.execute(sql`
          UPDATE api_keys SET last_used_at = ${at.toISOString()}::timestamptz
          WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < ${at.toISOString()}::timestamptz)`);
      }
    } catch (error) {
      this.log.warn({ err: error }, 'could not record API key last use');
    }
  }
}
