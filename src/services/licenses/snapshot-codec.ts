import { promisify } from 'node:util';
import { deflateRaw, inflateRawSync } from 'node:zlib';
import { activityOf, type LicenseActivity } from '../../domain/leakage.ts';
import type { SnapshotUser, TenantSnapshot } from './snapshot.ts';

// How a snapshot's users are stored (tenant_snapshots): compact JSON arrays, raw-deflated, in base64.
// NOTE: one document per tenant rather than a row per user: a 10,000-user directory is one small row
// write per sync instead of 10,000 rows, and the figures read only the activity index.

const deflateAsync = promisify(deflateRaw);
const pack = async (value: unknown) => (await deflateAsync(JSON.stringify(value), { level: 1 })).toString('base64');
const unpack = (text: string) => JSON.parse(inflateRawSync(Buffer.from(text, 'base64')).toString('utf8'));

export interface StoredUsers {
  userCount: number;
  usersDeflated: string;
  activityDeflated: string;
}

type UserRow = [string, string | null, string | null, boolean, string[], number | null, number | null];
type ActivityRow = [number, ...string[]];

/** Encodes a snapshot's users, compressing off the main thread. */
export async function encodeUsers(snapshot: TenantSnapshot): Promise<StoredUsers> {
  const activity: ActivityRow[] = [];
  const users = snapshot.users.map((user): UserRow => {
    if (user.licenses.length > 0) activity.push([activityOf(user), ...user.licenses]);
    return [user.externalId, user.displayName, user.userPrincipalName, user.enabled, user.licenses, user.createdAt?.getTime() ?? null, user.lastSignInAt?.getTime() ?? null];
  });
  const [usersDeflated, activityDeflated] = await Promise.all([pack(users), pack(activity)]);
  return { userCount: users.length, usersDeflated, activityDeflated };
}

/** The users of a stored snapshot. */
export function decodeUsers(usersDeflated: string): SnapshotUser[] {
  return (unpack(usersDeflated) as UserRow[]).map(([externalId, displayName, userPrincipalName, enabled, licenses, createdAt, lastSignInAt]) => ({
    externalId,
    displayName,
    userPrincipalName,
    enabled,
    licenses,
    createdAt: createdAt === null ? null : new Date(createdAt),
    lastSignInAt: lastSignInAt === null ? null : new Date(lastSignInAt),
  }));
}

/** The licensed users of a stored snapshot as the leakage figures read them. */
export function decodeActivity(activityDeflated: string): LicenseActivity[] {
  return (unpack(activityDeflated) as ActivityRow[]).map(([activity, ...licenses]) => ({ activity, licenses }));
}
