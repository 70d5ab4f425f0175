import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTimeOutput, id, paging, searchResult } from '../schemas.ts';
import { ALERT_TYPES } from '../../domain/license-alerts.ts';
import { searchAlerts } from '../../services/alerts/search-alerts.ts';
import { updateAlert } from '../../services/alerts/update-alert.ts';

const status = z.enum(['unread', 'read', 'dismissed', 'resolved']);
const alert = z.object({
  id: z.number().int(),
  public_id: z.string().meta({ description: 'the id the license tracker API shows (alt_…)' }),
  clients_id: z.number().int().meta({ description: 'the MSP' }),
  tenants_id: z.number().int().nullable(),
  tenant: z.object({ id: z.number().int(), public_id: z.string(), display_name: z.string() }).nullable(),
  type: z.enum(ALERT_TYPES),
  subject: z.string().meta({ description: 'what within the tenant the alert is about (a SKU, a renewal); empty for the tenant itself' }),
  severity: z.enum(['critical', 'warning', 'info']),
  title: z.string(),
  message: z.string(),
  status,
  data: z.record(z.string(), z.unknown()).meta({ description: 'the figures behind the alert, e.g. recoverable_at_renewal' }),
  created_at: dateTimeOutput(),
  updated_at: dateTimeOutput(),
  resolved_at: dateTimeOutput().nullable(),
});

export const alertMethods = [
  defineMethod({
    name: 'alerts.search',
    summary: 'License alerts of the MSPs in your subtree, newest first',
    rest: { method: 'GET', path: '/alerts' },
    auth: 'user',
    input: z.object({ ...paging, clients_id: id().optional(), tenants_id: id().optional(), status: status.optional(), type: z.enum(ALERT_TYPES).optional() }),
    output: searchResult(alert),
    run: (ctx, input) => searchAlerts(ctx, input),
  }),
  defineMethod({
    name: 'alerts.update',
    summary: 'Mark an alert read, dismissed or resolved (or unread again); returns the number of rows changed',
    rest: { method: 'PATCH', path: '/alerts/:id' },
    auth: 'user',
    input: z.object({ id: id(), status }),
    output: z.number().int(),
    run: (ctx, input) => updateAlert(ctx, input),
  }),
];
