import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../../services/context.ts';
import type { CredentialResolver } from './credentials.ts';

export type Credential = 'api_key' | 'jwt' | 'none';

/** The native API's credentials: `X-Api-Key`, else `Authorization: Bearer <jwt>`. Throws unauthorized when a given one is bad. */
export async function principalFromHeaders(
  resolver: CredentialResolver,
  headers: IncomingHttpHeaders,
): Promise<{ principal: Principal | null; credential: Credential }> {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) {
    return { principal: await resolver.fromApiKey(apiKey.trim()), credential: 'api_key' };
  }
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && /^Bearer\s+/i.test(authorization)) {
    return { principal: await resolver.fromJwt(authorization.replace(/^Bearer\s+/i, '').trim()), credential: 'jwt' };
  }
  return { principal: null, credential: 'none' };
}
