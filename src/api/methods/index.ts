import { Registry } from '../registry.ts';
import { accountingMethods } from './accounting.ts';
import { alertMethods } from './alerts.ts';
import { auditMethods } from './audit.ts';
import { catalogMethods } from './catalog.ts';
import { clientMethods } from './clients.ts';
import { contractMethods } from './contracts.ts';
import { iamMethods } from './iam.ts';
import { ledgerMethods } from './ledger.ts';
import { licenseMethods } from './licenses.ts';
import { pricingMethods } from './pricing.ts';
import { psaMethods, reconciliationMethods } from './psa.ts';
import { statementMethods } from './statements.ts';
import { vendorCredentialMethods } from './vendor-credentials.ts';
import { webhookMethods } from './webhooks.ts';

/** Every native method, in one registry. */
export function createRegistry(): Registry {
  return new Registry().add(...iamMethods, ...vendorCredentialMethods, ...clientMethods, ...accountingMethods, ...catalogMethods, ...ledgerMethods, ...pricingMethods, ...statementMethods, ...contractMethods, ...psaMethods, ...reconciliationMethods, ...licenseMethods, ...alertMethods, ...webhookMethods, ...auditMethods);
}
