import type { SnapshotSku, SnapshotUser, TenantSnapshot } from '../../services/licenses/snapshot.ts';
import { GraphError, type GraphClient, type GraphCredentials } from './client.ts';

// The Graph resources the sync reads, as far as it reads them.
interface Organization {
  verifiedDomains?: Array<{ name?: string; isDefault?: boolean; isInitial?: boolean }>;
}
interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
  consumedUnits?: number;
  prepaidUnits?: { enabled?: number };
}
interface CompanySubscription {
  skuId?: string;
  skuPartNumber?: string;
  status?: string;
  isTrial?: boolean;
  nextLifecycleDateTime?: string | null;
}
interface GraphUser {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  accountEnabled?: boolean | null;
  assignedLicenses?: Array<{ skuId?: string }>;
  createdDateTime?: string | null;
  signInActivity?: { lastSignInDateTime?: string | null; lastNonInteractiveSignInDateTime?: string | null } | null;
}

export const USERS_PATH = '/v1.0/users?$select=id,displayName,userPrincipalName,accountEnabled,assignedLicenses,createdDateTime,signInActivity&$top=999';

/**
 * Reads a customer's tenant from Graph: its domains, its SKUs with purchased and assigned counts,
 * renewal dates where the app may read subscriptions, and every user with licenses and last sign-in.
 */
export async function readTenantSnapshot(client: GraphClient, credentials: GraphCredentials, now: Date): Promise<TenantSnapshot> {
  const token = await client.token(credentials);
  // The small reads go alongside the users' pages.
  const [organization, subscribedSkus, subscriptions, graphUsers] = await Promise.all([
    client.list<Organization>(token, '/v1.0/organization'),
    client.list<SubscribedSku>(token, '/v1.0/subscribedSkus'),
    client.list<CompanySubscription>(token, '/v1.0/directory/subscriptions').catch((error: unknown) => {
      // NOTE: renewal dates need a permission many MSPs do not grant; without it the sync goes on without them.
      if (error instanceof GraphError && error.failure === 'permission') return [];
      throw error;
    }),
    client.list<GraphUser>(token, USERS_PATH),
  ]);

  const partNumberOf = new Map(subscribedSkus.map((sku) => [sku.skuId.toLowerCase(), sku.skuPartNumber]));
  const renewalOf = new Map<string, Date>();
  for (const subscription of subscriptions) {
    const at = parseInstant(subscription.nextLifecycleDateTime);
    const skuId = subscription.skuId?.toLowerCase();
    if (!at || !skuId || at <= now || subscription.isTrial || !['Enabled', 'Warning'].includes(subscription.status ?? '')) continue;
    const known = renewalOf.get(skuId);
    if (!known || at < known) renewalOf.set(skuId, at);
  }
  const domains = organization[0]?.verifiedDomains ?? [];
  const primary = domains.find((domain) => domain.isDefault) ?? domains.find((domain) => domain.isInitial) ?? domains[0];
  const skus: SnapshotSku[] = subscribedSkus.map((sku) => ({
    skuPartNumber: sku.skuPartNumber,
    skuId: sku.skuId,
    name: null,
    purchased: Math.max(0, Math.trunc(sku.prepaidUnits?.enabled ?? 0)),
    assigned: Math.max(0, Math.trunc(sku.consumedUnits ?? 0)),
    renewalAt: renewalOf.get(sku.skuId.toLowerCase()) ?? null,
    // NOTE: Graph does not say whether a subscription is billed monthly or yearly.
    term: null,
  }));
  const users: SnapshotUser[] = graphUsers.map((user) => {
    const licenses = new Set<string>();
    for (const license of user.assignedLicenses ?? []) {
      const part = license.skuId ? partNumberOf.get(license.skuId.toLowerCase()) : undefined;
      if (part) licenses.add(part);
    }
    const interactive = parseInstant(user.signInActivity?.lastSignInDateTime);
    const background = parseInstant(user.signInActivity?.lastNonInteractiveSignInDateTime);
    return {
      externalId: user.id,
      displayName: user.displayName ?? null,
      userPrincipalName: user.userPrincipalName ?? null,
      enabled: user.accountEnabled !== false,
      licenses: [...licenses],
      createdAt: parseInstant(user.createdDateTime),
      // NOTE: a mail client refreshing its token in the background is use too: the later of both sign-ins counts.
      lastSignInAt: interactive && background ? (interactive > background ? interactive : background) : (interactive ?? background),
    };
  });
  return { primaryDomain: primary?.name ?? null, skus, users };
}

/** Graph writes "never" as null or as 0001-01-01T00:00:00Z. */
function parseInstant(value: string | null | undefined): Date | null {
  if (!value) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) || at < 0 ? null : new Date(at);
}
