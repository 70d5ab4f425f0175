/** The closed set of failure kinds. Each transport maps them in exactly one table. */
export type ErrorKind = 'invalid' | 'unauthorized' | 'not_found' | 'conflict' | 'unprocessable' | 'rate_limited' | 'internal';

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly data: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, data?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.kind = kind;
    this.data = data;
  }
}

export const invalid = (message: string, data?: Record<string, unknown>) => new AppError('invalid', message, data);
export const unauthorized = (message = 'Not authorized') => new AppError('unauthorized', message);
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const conflict = (message: string, data?: Record<string, unknown>) => new AppError('conflict', message, data);
/** A logical error with a name clients can branch on, e.g. `LowBalanceError`. */
export const unprocessable = (name: string, message: string, data?: Record<string, unknown>) =>
  new AppError('unprocessable', message, { name, ...data });

/** The native API's table: HTTP status and JSON-RPC code per kind (spec/coreapi.md, Errors). */
export const NATIVE_ERRORS: Record<ErrorKind, { status: number; code: number }> = {
  invalid: { status: 400, code: -32602 },
  unauthorized: { status: 401, code: -32005 },
  not_found: { status: 404, code: -32004 },
  conflict: { status: 409, code: -32009 },
  unprocessable: { status: 422, code: -32022 },
  rate_limited: { status: 429, code: -32029 },
  internal: { status: 500, code: -32603 },
};

/** Anything thrown that is not an AppError becomes an internal error whose message reveals nothing. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('internal', 'Internal error', undefined, { cause: error });
}
