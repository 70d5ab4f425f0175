import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTimeOutput, flag, id, paging, searchResult } from '../schemas.ts';
import { createEndpoint } from '../../services/webhooks/create-endpoint.ts';
import { deleteEndpoint } from '../../services/webhooks/delete-endpoint.ts';
import { WEBHOOK_EVENTS } from '../../services/webhooks/event-body.ts';
import { replayDelivery } from '../../services/webhooks/replay-delivery.ts';
import { rotateEndpointSecret } from '../../services/webhooks/rotate-secret.ts';
import { searchDeliveries } from '../../services/webhooks/search-deliveries.ts';
import { searchEndpoints } from '../../services/webhooks/search-endpoints.ts';
import { updateEndpoint } from '../../services/webhooks/update-endpoint.ts';

const events = z.array(z.enum(WEBHOOK_EVENTS)).max(WEBHOOK_EVENTS.length).meta({ description: 'event types to deliver; empty: all' });
const endpoint = z.object({
  id: z.number().int(),
  clients_id: z.number().int(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabled_reason: z.enum(['gone', 'failing']).nullable().meta({ description: 'gone: the receiver answered 410; failing: 3 days of failed deliveries' }),
  failing_since: dateTimeOutput().nullable(),
  previous_secret_expires_at: dateTimeOutput().nullable().meta({ description: 'until then, the secret before the last rotation signs too' }),
  created_at: dateTimeOutput(),
  updated_at: dateTimeOutput(),
});
const deliveryStatus = z.enum(['pending', 'succeeded', 'failed']);
const delivery = z.object({
  id: z.number().int(),
  endpoints_id: z.number().int(),
  message_id: z.string().meta({ description: 'webhook-id, the same on every attempt and on a replay' }),
  event: z.string(),
  status: deliveryStatus,
  attempts: z.number().int(),
  next_attempt_at: dateTimeOutput().nullable(),
  replay_of: z.number().int().nullable(),
  payload: z.record(z.string(), z.unknown()),
  created_at: dateTimeOutput(),
  updated_at: dateTimeOutput(),
  attempt_log: z.array(
    z.object({
      attempt: z.number().int(),
      attempted_at: dateTimeOutput(),
      request_headers: z.record(z.string(), z.string()),
      request_body: z.string(),
      response_status: z.number().int().nullable(),
      response_body: z.string().nullable().meta({ description: 'at most 2 KB of the answer' }),
      latency_ms: z.number().int().nullable(),
      error_class: z.string().nullable(),
    }),
  ),
});
const url = () => z.string().trim().min(1).max(2048);

export const webhookMethods = [
  defineMethod({
    name: 'webhooks.endpoints.create',
    summary: 'Add a webhook endpoint for a node’s events (and its descendants’); the whsec_ signing secret is in this answer only',
    rest: { method: 'POST', path: '/webhooks/endpoints' },
    auth: 'user',
    input: z.object({ clients_id: id(), url: url(), events: events.optional(), description: z.string().max(255).nullable().optional(), enabled: flag().optional() }),
    output: endpoint.extend({ secret: z.string() }),
    run: (ctx, input) => createEndpoint(ctx, input),
  }),
  defineMethod({
    name: 'webhooks.endpoints.search',
    summary: 'Webhook endpoints of the nodes in your subtree (never their secrets)',
    rest: { method: 'GET', path: '/webhooks/endpoints' },
    auth: 'user',
    input: z.object({ ...paging, clients_id: id().optional(), enabled: flag().optional() }),
    output: searchResult(endpoint),
    run: (ctx, input) => searchEndpoints(ctx, input),
  }),
  defineMethod({
    name: 'webhooks.endpoints.update',
    summary: 'Change a webhook endpoint (enabling it again clears its failures); returns the number of rows changed',
    rest: { method: 'PATCH', path: '/webhooks/endpoints/:id' },
    auth: 'user',
    input: z.object({ id: id(), url: url().optional(), events: events.optional(), description: z.string().max(255).nullable().optional(), enabled: flag().optional() }),
    output: z.number().int(),
    run: (ctx, input) => updateEndpoint(ctx, input),
  }),
  defineMethod({
    name: 'webhooks.endpoints.delete',
    summary: 'Delete a webhook endpoint (its delivery log stays); returns the number of rows changed',
    rest: { method: 'DELETE', path: '/webhooks/endpoints/:id' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: z.number().int(),
    run: (ctx, input) => deleteEndpoint(ctx, input.id),
  }),
  defineMethod({
    name: 'webhooks.endpoints.rotate_secret',
    summary: 'Give an endpoint a new signing secret (in this answer only); the old one also signs for 24 hours',
    rest: { method: 'POST', path: '/webhooks/endpoints/:id/rotate-secret' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: z.object({ id: z.number().int(), secret: z.string(), previous_secret_expires_at: dateTimeOutput() }),
    run: (ctx, input) => rotateEndpointSecret(ctx, input.id),
  }),
  defineMethod({
    name: 'webhooks.deliveries.search',
    summary: 'The webhook delivery log, newest first: each attempt’s request headers and body, response status and body, latency and error class',
    rest: { method: 'GET', path: '/webhooks/deliveries' },
    auth: 'user',
    input: z.object({ ...paging, endpoints_id: id().optional(), clients_id: id().optional(), status: deliveryStatus.optional(), event: z.string().max(64).optional(), message_id: z.string().max(64).optional() }),
    output: searchResult(delivery),
    run: (ctx, input) => searchDeliveries(ctx, input),
  }),
  defineMethod({
    name: 'webhooks.deliveries.replay',
    summary: 'Send a delivery again, failed or not (same webhook-id, fresh retries)',
    rest: { method: 'POST', path: '/webhooks/deliveries/:id/replay' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: delivery,
    run: (ctx, input) => replayDelivery(ctx, input.id),
  }),
];
