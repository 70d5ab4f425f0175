/** `{ok: true, value}` for an expected success, `{ok: false, reason}` for an expected refusal (STYLE.md, Errors). */
export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };
