/** Both drivers surface PostgreSQL's SQLSTATE as `code`, sometimes on a wrapped cause. */
function sqlState(error: unknown): string | undefined {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined; current; current = current.cause as typeof current) {
    if (typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code)) return current.code;
  }
  return undefined;
}

export const isUniqueViolation = (error: unknown) => sqlState(error) === '23505';
export const isSerializationFailure = (error: unknown) => ['40001', '40P01'].includes(sqlState(error) ?? '');
