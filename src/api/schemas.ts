import { DateTime } from 'luxon';
import { z } from 'zod';
import { currentZone } from './request-zone.ts';

// Field types shared by every method. REST query strings arrive as text, so numbers and
// booleans accept their canonical text forms too; JSON-RPC sends real JSON types.

/** A positive integer id, from a number or a string of digits. */
export const id = () =>
  z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^[1-9]\d{0,15}$/).transform(Number)], { error: 'a positive integer id' });

export const integer = (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) =>
  z.union([z.number().int(), z.string().regex(/^-?\d{1,16}$/).transform(Number)], { error: 'an integer' }).pipe(z.number().int().min(min).max(max));

export const flag = () =>
  z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1')], { error: 'true or false' });

/** An exact decimal, kept as a string so no float ever touches it: 12.5 and "12.50" are both accepted. */
export const decimal = (maxScale = 6) =>
  z
    .union([z.number().finite(), z.string().trim()], { error: 'a decimal number' })
    .transform((value) => (typeof value === 'number' ? numberToDecimalString(value) : value))
    .pipe(z.string().regex(new RegExp(`^-?\\d{1,14}(\\.\\d{1,${maxScale}})?$`), `a decimal number with at most ${maxScale} decimal places`));

function numberToDecimalString(value: number): string {
  // JSON numbers such as 0.1 are written by JS with their shortest round-trip digits.
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(12).replace(/\.?0+$/, '') : text;
}

const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * A datetime. Without an explicit offset it is read in the call's zone (`__tz`, the user's, then the
 * installation default); with one, the zone is ignored. A DST gap moves forward, an overlap takes the earlier instant ("compatible").
 */
export const dateTime = () =>
  z.string().transform((value, context) => {
    // A full UTC instant (what imports send by the thousand) names one instant in any zone: read it
    // directly when it is a real calendar time; everything else goes through luxon.
    if (UTC_INSTANT.test(value)) {
      const at = new Date(value);
      if (!Number.isNaN(at.getTime()) && at.toISOString().slice(0, 19) === value.slice(0, 19)) return at;
    }
    const zone = currentZone();
    // setZone keeps an explicit offset as a fixed zone, so only local times are open to the DST rule below.
    let parsed = DateTime.fromISO(value, { zone, setZone: true });
    if (!parsed.isValid) parsed = DateTime.fromSQL(value, { zone, setZone: true });
    if (!parsed.isValid) {
      context.addIssue({ code: 'custom', message: 'an ISO 8601 datetime' });
      return z.NEVER;
    }
    // NOTE: luxon reads a local time that happens twice (a DST overlap) with an offset it guessed from the
    // season the process started in; "compatible" always takes the earlier instant (gaps already move forward).
    return parsed.getPossibleOffsets()[0].toJSDate();
  });

/** Paging for every search method: `{items, total}` comes back. */
export const paging = {
  limit: integer(1, 1000).default(50),
  offset: integer(0).default(0),
};

export const searchResult = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() });

/** How a datetime is documented on the way out: ISO 8601 with the offset of the call's zone. */
export const dateTimeOutput = () => z.string().meta({ format: 'date-time' });
