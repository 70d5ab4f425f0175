import type { TestApp } from '../support/app.ts';

/** A distributor, an MSP billing in USD, and its companies; the test clock stands at 2026-03-10T12:00Z. */
export async function licenseFixture(api: TestApp, companies: string[] = ['Contoso Ltd']) {
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Best MSP', resellers_id: distributor.id, currency: 'USD' });
  const created: Record<string, { id: number; name: string }> = {};
  for (const name of companies) created[name] = await api.call('clients.create', { kind: 'company', name, resellers_id: msp.id });
  return { distributor, msp, companies: created };
}

export const daysBefore = (at: Date | string, days: number) => new Date(new Date(at).getTime() - days * 86_400_000).toISOString();

/** A user for a snapshot, active unless told otherwise. */
export function snapshotUser(id: string, fields: Record<string, unknown> = {}) {
  return { id, display_name: id, user_principal_name: `${id}@contoso.com`, enabled: true, licenses: ['SPE_E3'], created_at: '2025-01-01T00:00:00Z', last_sign_in_at: '2026-03-09T08:00:00Z', ...fields };
}
