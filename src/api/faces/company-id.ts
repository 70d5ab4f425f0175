/** The keeper faces' `companyId`: the unpadded base64 of the numeric id (45985 → "NDU5ODU"). */
export function encodeCompanyId(id: number): string {
  return Buffer.from(String(id)).toString('base64').replace(/=+$/, '');
}

/** The numeric id behind a `companyId`, or undefined when it is not one. */
export function decodeCompanyId(companyId: string): number | undefined {
  if (!/^[A-Za-z0-9+/]+$/.test(companyId)) return undefined;
  const text = Buffer.from(companyId, 'base64').toString('utf8');
  if (!/^[1-9]\d{0,15}$/.test(text) || encodeCompanyId(Number(text)) !== companyId) return undefined;
  return Number(text);
}
