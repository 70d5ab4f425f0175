import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/connection.ts';
import { startWorker, type JobHandler } from './db/jobs.ts';
import { migrate } from './db/migrate.ts';
import { invokeMethod, type Runtime } from './api/invoke.ts';
import { createRegistry } from './api/methods/index.ts';
import type { MethodDefinition, Registry } from './api/registry.ts';
import { buildServer, type Server } from './api/server.ts';
import { mountKeeperBilling } from './api/faces/keeper-billing/index.ts';
import { mountNablePsa } from './api/faces/nable-psa/index.ts';
import { mountKeeperVendor } from './api/faces/keeper-vendor/index.ts';
import { mountLicenseTracker } from './api/faces/license-tracker/index.ts';
import { smtpMailer } from './connectors/smtp.ts';
import type { Principal } from './services/context.ts';
import { bootstrapAdmin } from './services/iam/bootstrap-admin.ts';
import { loadJwtSecret } from './services/iam/jwt.ts';
import { installMasterKey, resolveMasterKey } from './services/iam/master-key.ts';
import { loadDemoData, type MethodCaller } from './services/demo/demo-data.ts';
import { MONTH_CLOSE_JOB, monthCloseHandler, scheduleMonthClose } from './jobs/month-close.ts';
import { LIFECYCLE_DUE_JOB, lifecycleDueHandler, scheduleLifecycleDue } from './jobs/lifecycle-due.ts';
import { MAIL_SEND_JOB, sendMailHandler } from './jobs/send-mail.ts';
import { scheduleTenantSyncs, TENANT_SYNC_JOB, tenantSyncHandler } from './jobs/tenant-sync.ts';
import { ALERTS_DUE_JOB, alertsDueHandler, scheduleAlertsDue } from './jobs/alerts-due.ts';
import { configureGraph } from './connectors/microsoft-graph/settings.ts';
import { EVENT_JOB, eventHandler, WEBHOOK_DELIVER_JOB, webhookDeliveryHandler } from './jobs/webhooks.ts';
import { configureWebhooks } from './services/webhooks/settings.ts';

export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

export interface App {
  config: Config;
  db: Database;
  registry: Registry;
  runtime: Runtime;
  server: Server;
  /** The admin key, when this start created the installation without SEATLEDGER_ADMIN_KEY. */
  adminKeyToShow: string | null;
  /** Calls a method in-process as the given principal. */
  call(principal: Principal | null, method: string, params: Record<string, unknown>): Promise<any>;
  /** The job handlers the workers run; tests call them through `runDueJobs` with their own clock. */
  jobHandlers: Record<string, JobHandler>;
  stop(): Promise<void>;
}

export interface AppOptions {
  /** An already open database (tests); otherwise opened from the config. */
  db?: Database;
  now?: () => Date;
  logger?: Logger;
  jobHandlers?: Record<string, JobHandler>;
  /** Extra methods beside the native ones (tests). */
  extraMethods?: MethodDefinition<any, any>[];
}

/** Opens the database, applies migrations, prepares the first admin (and demo data), and builds the server. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const now = options.now ?? (() => new Date());
  const db = options.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  try {
    await migrate(db);
    await loadJwtSecret(db, config.jwtSecret);
    await installMasterKey(db, resolveMasterKey(config.masterKey, config.dataDir));
    configureGraph(db, { graphBaseUrl: config.graphBaseUrl, loginBaseUrl: config.msLoginBaseUrl });
    configureWebhooks(db, { allowPrivate: config.webhookAllowPrivate, userAgent: `Seatledger-Webhooks/${VERSION}` });
    const runtime: Runtime = { db, log: logger, now, defaultTimeZone: config.defaultTimeZone };
    const registry = createRegistry().add(...(options.extraMethods ?? []));
    const call = (principal: Principal | null, method: string, params: Record<string, unknown>) => {
      const definition = registry.get(method);
      if (!definition) throw new Error(`No method ${method}`);
      return invokeMethod(runtime, definition, params, { principal, face: 'system' }) as Promise<any>;
    };
    const bootstrap = await bootstrapAdmin(db, now(), config.adminKey);
    if (bootstrap.created && config.demo) {
      const installer: Principal = { usersId: 1, login: 'admin', apiKeysId: null, scope: null, timeZone: null, roles: [], access: 2 };
      const asInstaller: MethodCaller = (method, params) => call(installer, method, params);
      await loadDemoData(asInstaller, now());
    }
    const server = await buildServer({ runtime, registry, logger, rateLimitPerMinute: config.rateLimitPerMinute, version: VERSION, faces: [mountKeeperBilling, mountNablePsa, (app, face) => mountKeeperVendor(app, face, { publicUrl: config.publicUrl, regions: config.regions }), (app, face) => mountLicenseTracker(app, face, { rateLimitPerMinute: config.licenseApiRateLimitPerMinute })] });
    const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.smtpFrom) : null;
    const handlers: Record<string, JobHandler> = {
      [MONTH_CLOSE_JOB]: monthCloseHandler(db, now, logger),
      [LIFECYCLE_DUE_JOB]: lifecycleDueHandler(db, now, logger),
      [MAIL_SEND_JOB]: sendMailHandler(db, now, logger, mailer),
      [TENANT_SYNC_JOB]: tenantSyncHandler(db, now, logger),
      [ALERTS_DUE_JOB]: alertsDueHandler(db, now, logger),
      [EVENT_JOB]: eventHandler(db, now, logger),
      [WEBHOOK_DELIVER_JOB]: webhookDeliveryHandler(db, now, logger),
      ...options.jobHandlers,
    };
    let stopWorker = async () => {};
    if (config.workers) {
      await scheduleMonthClose(db, now());
      await scheduleLifecycleDue(db, now());
      await scheduleTenantSyncs(db, now());
      await scheduleAlertsDue(db, now());
      stopWorker = startWorker({ db, handlers, log: logger, now, workerId: randomUUID() });
    }
    return {
      config,
      db,
      registry,
      runtime,
      server,
      adminKeyToShow: bootstrap.keyToShow,
      call,
      jobHandlers: handlers,
      async stop() {
        await stopWorker();
        mailer?.close();
        await server.app.close();
        if (!options.db) await db.close();
      },
    };
  } catch (error) {
    if (!options.db) await db.close();
    throw error;
  }
}
