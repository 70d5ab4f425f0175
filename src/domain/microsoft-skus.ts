// Microsoft reports SKUs by part number only. These are the names customers know them by, for the
// catalog products made on first sight; any other SKU is named by its part number until renamed.

const KNOWN_SKU_NAMES: Readonly<Record<string, string>> = Object.freeze({
  SPE_E3: 'Microsoft 365 E3',
  SPE_E5: 'Microsoft 365 E5',
  SPE_F1: 'Microsoft 365 F3',
  SPB: 'Microsoft 365 Business Premium',
  O365_BUSINESS_PREMIUM: 'Microsoft 365 Business Standard',
  O365_BUSINESS_ESSENTIALS: 'Microsoft 365 Business Basic',
  O365_BUSINESS: 'Microsoft 365 Apps for business',
  OFFICESUBSCRIPTION: 'Microsoft 365 Apps for enterprise',
  STANDARDPACK: 'Office 365 E1',
  ENTERPRISEPACK: 'Office 365 E3',
  ENTERPRISEPREMIUM: 'Office 365 E5',
  EXCHANGESTANDARD: 'Exchange Online (Plan 1)',
  EXCHANGEENTERPRISE: 'Exchange Online (Plan 2)',
  EMS: 'Enterprise Mobility + Security E3',
  AAD_PREMIUM: 'Microsoft Entra ID P1',
  POWER_BI_PRO: 'Power BI Pro',
  VISIOCLIENT: 'Visio Plan 2',
  PROJECTPROFESSIONAL: 'Project Plan 3',
});

/** The name a SKU is known by: `skuDisplayName('SPE_E3')` → "Microsoft 365 E3"; an unknown part number names itself. */
export function skuDisplayName(skuPartNumber: string): string {
  return KNOWN_SKU_NAMES[skuPartNumber] ?? skuPartNumber;
}
