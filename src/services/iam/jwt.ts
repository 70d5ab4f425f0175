import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Database } from '../../db/connection.ts';
import { settings } from '../../db/schema.ts';
import { unauthorized } from '../../api/errors.ts';

export const TOKEN_LIFETIME_SECONDS = 3600;
const MINIMUM_SECRET_BYTES = 64;
const secrets = new WeakMap<Database, Uint8Array>();

/**
 * The installation's HS512 secret: JWT_SECRET when given, else one generated on first start and
 * kept in the database, so every instance on the same database verifies the same tokens.
 */
export async function loadJwtSecret(db: Database, configured?: string): Promise<Uint8Array> {
  let secret: Uint8Array;
  if (configured) {
    secret = new TextEncoder().encode(configured);
  } else {
    await db.orm
      .insert(settings)
      .values({ key: 'jwt_secret', value: randomBytes(64).toString('base64') })
      .onConflictDoNothing();
    const [row] = await db.orm.select().from(settings).where(eq(settings.key, 'jwt_secret'));
    secret = Buffer.from(row.value, 'base64');
  }
  // jose accepts short HMAC keys; a short key would make HS512 guessable.
  if (secret.byteLength < MINIMUM_SECRET_BYTES) throw new Error(`The JWT secret must be at least ${MINIMUM_SECRET_BYTES} bytes`);
  secrets.set(db, secret);
  return secret;
}

function secretOf(db: Database): Uint8Array {
  const secret = secrets.get(db);
  if (!secret) throw new Error('The JWT secret was not loaded at start');
  return secret;
}

/** Issues an HS512 token for a user, valid for one hour from `now`. */
export async function issueToken(db: Database, usersId: number, now: Date) {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + TOKEN_LIFETIME_SECONDS;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
    .setSubject(String(usersId))
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .setIssuer('seatledger')
    .sign(secretOf(db));
  return { token, expires_at: new Date(expiresAt * 1000) };
}

/** Verifies a token: HS512 only, signature, issuer, and a lifetime that has not passed and is not longer than issued. */
export async function verifyToken(db: Database, token: string, now: Date): Promise<{ usersId: number }> {
  try {
    const { payload } = await jwtVerify(token, secretOf(db), {
      algorithms: ['HS512'],
      issuer: 'seatledger',
      currentDate: now,
      requiredClaims: ['exp', 'iat', 'sub'],
      maxTokenAge: TOKEN_LIFETIME_SECONDS + 60,
    });
    const usersId = Number(payload.sub);
    if (!Number.isSafeInteger(usersId) || usersId <= 0) throw unauthorized('Invalid token');
    if ((payload.exp as number) - (payload.iat as number) > TOKEN_LIFETIME_SECONDS) throw unauthorized('Invalid token');
    return { usersId };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw unauthorized('Token expired');
    throw unauthorized('Invalid token');
  }
}
