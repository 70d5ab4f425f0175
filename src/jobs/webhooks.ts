import type { Logger } from 'pino';
import type { Database } from '../db/connection.ts';
import type { JobHandler } from '../db/jobs.ts';
import { attemptDelivery } from '../services/webhooks/attempt-delivery.ts';
import { WEBHOOK_DELIVER_JOB } from '../services/webhooks/delivery-record.ts';
import { fanOutEvent, type QueuedEvent } from '../services/webhooks/fan-out-event.ts';
import { systemContext } from '../services/system-context.ts';

/** The kind of the jobs features queue for their events ({type, clients_id, data}), in the transaction of the change. */
export const EVENT_JOB = 'event';
export { WEBHOOK_DELIVER_JOB };

/** Fans an event out to the endpoints that want it. */
export function eventHandler(db: Database, now: () => Date, log: Logger): JobHandler {
  return async (job) => {
    const queued = await fanOutEvent(systemContext({ db, now, log }, { face: 'system', method: EVENT_JOB }), `event:${job.id}`, job.payload as unknown as QueuedEvent);
    if (queued) log.debug({ jobId: job.id, type: job.payload.type, queued }, 'webhook deliveries queued');
  };
}

/** Makes one attempt of a webhook delivery. */
export function webhookDeliveryHandler(db: Database, now: () => Date, log: Logger): JobHandler {
  return (job) => attemptDelivery(systemContext({ db, now, log }, { face: 'system', method: WEBHOOK_DELIVER_JOB }), Number(job.payload.deliveries_id));
}
