/** What a provider reports about a tenant at one moment: its SKUs and its users. */
export interface TenantSnapshot {
  primaryDomain: string | null;
  skus: SnapshotSku[];
  users: SnapshotUser[];
}

export interface SnapshotSku {
  skuPartNumber: string;
  /** The provider's id of the SKU (Graph skuId). */
  skuId: string | null;
  /** A display name for the catalog product made on first sight. */
  name: string | null;
  /** Prepaid, enabled units. */
  purchased: number;
  /** Consumed units. */
  assigned: number;
  renewalAt: Date | null;
  term: 'monthly' | 'annual' | null;
}

export interface SnapshotUser {
  externalId: string;
  displayName: string | null;
  userPrincipalName: string | null;
  enabled: boolean;
  /** SKU part numbers. */
  licenses: string[];
  createdAt: Date | null;
  lastSignInAt: Date | null;
}
