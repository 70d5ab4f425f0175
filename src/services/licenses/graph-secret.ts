import type { Database } from '../../db/connection.ts';
import { masterKeyOf } from '../iam/master-key.ts';
import { openSecret, sealSecret } from '../iam/secret-box.ts';

// The associated data binds a sealed app secret to its MSP: copied onto another MSP's row, it does not open.
const owner = (mspId: number) => `license-graph:${mspId}`;

export function sealGraphSecret(db: Database, mspId: number, secret: string): string {
  return sealSecret(masterKeyOf(db), secret, owner(mspId));
}

export function openGraphSecret(db: Database, mspId: number, sealed: string): string {
  return openSecret(masterKeyOf(db), sealed, owner(mspId));
}
