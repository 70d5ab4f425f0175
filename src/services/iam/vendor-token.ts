import { and, eq, ne } from 'drizzle-orm';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { Database } from '../../db/connection.ts';
import { clients, users, vendorCredentials } from '../../db/schema.ts';
import { unauthorized } from '../../api/errors.ts';
import type { Principal } from '../context.ts';
import { masterKeyOf } from './master-key.ts';
import { openSecret } from './secret-box.ts';
import { secretOwner } from './vendor-credential-record.ts';

/** The longest life a distributor's token may claim (keeper-vendor.md: 5 minutes). */
export const VENDOR_TOKEN_MAX_LIFETIME_SECONDS = 300;
/** How far in the future `iat` may be, for clocks that run ahead. */
export const VENDOR_TOKEN_MAX_SKEW_SECONDS = 60;

const isTimestamp = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Verifies a distributor's token (HS512 over `{iat, iss, exp}` with the credential's secret) and its
 * `vendor` header, and answers the principal the face acts as: the credential's user, limited to
 * its distributor. Every refusal of keeper-vendor.md is an `unauthorized`.
 */
export async function authenticateVendorToken(db: Database, token: string, vendorHeader: string | undefined, now: Date): Promise<Principal> {
  if (!vendorHeader) throw unauthorized('The vendor header is missing');
  let algorithm: unknown;
  let issuer: unknown;
  try {
    algorithm = decodeProtectedHeader(token).alg;
    issuer = decodeJwt(token).iss;
  } catch {
    throw unauthorized('The token is malformed');
  }
  if (algorithm !== 'HS512') throw unauthorized('The token must be signed with HS512');
  if (typeof issuer !== 'string' || issuer === '') throw unauthorized('The token has no iss');
  const [found] = await db.orm
    .select({ credential: vendorCredentials, user: users, distributor: clients })
    .from(vendorCredentials)
    .innerJoin(users, and(eq(users.id, vendorCredentials.usersId), eq(users.status, 'active')))
    .innerJoin(clients, and(eq(clients.id, vendorCredentials.distributorsId), ne(clients.status, 'deleted')))
    .where(and(eq(vendorCredentials.consumerKey, issuer), eq(vendorCredentials.status, 'active')));
  if (!found) throw unauthorized('Unknown or revoked issuer');
  const secret = openSecret(masterKeyOf(db), found.credential.secretSealed, secretOwner(found.credential.consumerKey));
  let payload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS512'], currentDate: now }));
  } catch {
    throw unauthorized('The token is invalid or expired');
  }
  const nowSeconds = now.getTime() / 1000;
  if (!isTimestamp(payload.exp) || !isTimestamp(payload.iat)) throw unauthorized('The token must carry iat and exp');
  if (payload.exp <= nowSeconds) throw unauthorized('The token has expired');
  if (payload.iat > nowSeconds + VENDOR_TOKEN_MAX_SKEW_SECONDS) throw unauthorized('The token was issued in the future');
  if (payload.exp - payload.iat > VENDOR_TOKEN_MAX_LIFETIME_SECONDS) throw unauthorized(`The token lives longer than ${VENDOR_TOKEN_MAX_LIFETIME_SECONDS} seconds`);
  if (vendorHeader !== found.credential.vendor) throw unauthorized('The vendor header does not match the credential');
  return {
    usersId: found.user.id,
    login: found.user.login,
    apiKeysId: null,
    scope: { clientsId: found.distributor.id, path: found.distributor.path },
    timeZone: null,
    roles: [],
    access: 2,
    vendor: found.credential.vendor,
  };
}
