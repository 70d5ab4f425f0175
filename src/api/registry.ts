import type { z } from 'zod';
import type { Context } from '../services/context.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * One use case, reachable as REST and JSON-RPC from this single definition. Auth, scope,
 * validation, `__tz`, idempotency and the audit context are applied around `run` by the registry.
 */
export interface MethodDefinition<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  rest: { method: HttpMethod; path: string };
  input: Input;
  output: Output;
  /** `public` methods need no credential (only JWT authentication). */
  auth: 'user' | 'public';
  run: (ctx: Context, input: z.output<Input>) => Promise<unknown>;
}

export function defineMethod<Input extends z.ZodType, Output extends z.ZodType>(
  definition: MethodDefinition<Input, Output>,
): MethodDefinition<Input, Output> {
  return definition;
}

/** Writes are every method not bound to GET: they take `Idempotency-Key` and are audited. */
export function isWrite(method: MethodDefinition): boolean {
  return method.rest.method !== 'GET';
}

export class Registry {
  readonly methods = new Map<string, MethodDefinition>();

  add(...definitions: MethodDefinition<any, any>[]): this {
    for (const definition of definitions) {
      if (this.methods.has(definition.name)) throw new Error(`Method ${definition.name} is registered twice`);
      this.methods.set(definition.name, definition as MethodDefinition);
    }
    return this;
  }

  get(name: string): MethodDefinition | undefined {
    return this.methods.get(name);
  }

  all(): MethodDefinition[] {
    return [...this.methods.values()];
  }
}
