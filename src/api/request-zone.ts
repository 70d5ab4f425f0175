import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The zone in which the current call's local datetimes are read. Input schemas are static,
 * so the one request-dependent part of parsing reads the zone from here.
 */
export const requestZone = new AsyncLocalStorage<string>();

export function currentZone(): string {
  return requestZone.getStore() ?? 'UTC';
}
