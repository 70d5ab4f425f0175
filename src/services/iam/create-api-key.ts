import { apiKeys } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { requirePrincipal } from '../scope.ts';
import { generateApiKey, KEY_LIFETIMES, type KeyLifetime } from './api-key-format.ts';
import { presentApiKey } from './api-key-scope.ts';
import { loadScopePath } from './scope-path.ts';
import { loadUserInScope } from './user-scope.ts';

export interface CreateApiKeyInput {
  users_id?: number;
  name?: string;
  roles?: string[];
  access?: number;
  expires_at?: Date | null;
  expires_in?: KeyLifetime;
}

/** Creates a key for a user the caller may see (itself by default). The key is in this answer only. */
export async function createApiKey(ctx: Context, input: CreateApiKeyInput) {
  const principal = requirePrincipal(ctx);
  if (input.expires_at && input.expires_in) throw invalid('Give expires_at or expires_in, not both');
  const now = ctx.now();
  const lifetime = input.expires_in ? KEY_LIFETIMES[input.expires_in] : undefined;
  const expiresAt = lifetime ? new Date(now.getTime() + lifetime * 1000) : (input.expires_at ?? null);
  if (expiresAt && expiresAt <= now) throw invalid('expires_at must be in the future');
  return ctx.db.orm.transaction(async (tx) => {
    const user = await loadUserInScope(tx, ctx, input.users_id ?? principal.usersId);
    const generated = generateApiKey();
    const [row] = await tx
      .insert(apiKeys)
      .values({
        usersId: user.id,
        name: input.name ?? null,
        displayPrefix: generated.displayPrefix,
        keyHash: generated.hash,
        roles: input.roles ?? [],
        access: input.access ?? 2,
        expiresAt,
        createdAt: now,
      })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'create',
      entity: 'api_key',
      entityId: row.id,
      scopePath: await loadScopePath(tx, user.resellersId),
      data: { users_id: user.id, display_prefix: row.displayPrefix },
    });
    return { ...presentApiKey(row), key: generated.key };
  });
}
