// ISO 3166-1 alpha-2 codes, read from the ICU region data Node ships, so the list stays current
// without one of our own.

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
// ICU also names groupings and private-use codes that are not countries.
const NOT_COUNTRIES = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO']);

/** Whether a two-letter code names a country: `isCountryCode('GB')` → true, `isCountryCode('ZZ')` → false. */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  const name = regionNames.of(code);
  return name !== undefined && name !== code;
}
