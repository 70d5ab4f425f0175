import { IANAZone } from 'luxon';

/** Installation settings, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  defaultTimeZone: string;
  logLevel: string;
  demo: boolean;
  adminKey: string | undefined;
  jwtSecret: string | undefined;
  rateLimitPerMinute: number;
  workers: boolean;
  /** 32 bytes sealing vendor secrets (MASTER_KEY, base64); without it, `<dataDir>/master.key` is used or made. */
  masterKey: Buffer | undefined;
  /** Where invitation mail goes (smtp://…); without it, mail is written to the log. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** The address invitees reach this installation at, for the links in mail. */
  publicUrl: string;
  /** The regions this installation serves; an invitation accepted elsewhere is a REGION_CONFLICT. */
  regions: string[];
  /** Requests per minute each license tracker key may make (LICENSE_API_RATE_LIMIT, default 120). */
  licenseApiRateLimitPerMinute: number;
  /** Microsoft Graph and Microsoft identity platform base URLs for the license sync (GRAPH_BASE_URL, MS_LOGIN_BASE_URL). */
  graphBaseUrl: string;
  msLoginBaseUrl: string;
  /** WEBHOOK_ALLOW_PRIVATE=1: webhooks may go to loopback and private addresses (tests, on-premise receivers). */
  webhookAllowPrivate: boolean;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const defaultTimeZone = env.DEFAULT_TIME_ZONE || 'UTC';
  if (!IANAZone.isValidZone(defaultTimeZone)) {
    throw new Error(`DEFAULT_TIME_ZONE "${defaultTimeZone}" is not an IANA time zone`);
  }
  const port = Number(env.PORT || 3080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT "${env.PORT}" is not a port number`);
  if (env.JWT_SECRET !== undefined && Buffer.byteLength(env.JWT_SECRET) < 64) {
    throw new Error('JWT_SECRET must be at least 64 bytes');
  }
  let masterKey: Buffer | undefined;
  if (env.MASTER_KEY) {
    masterKey = Buffer.from(env.MASTER_KEY.trim(), 'base64');
    if (masterKey.byteLength !== 32 || masterKey.toString('base64') !== env.MASTER_KEY.trim()) {
      throw new Error('MASTER_KEY must be 32 bytes in base64 (e.g. openssl rand -base64 32)');
    }
  }
  const regions = (env.REGIONS || 'US').split(',').map((region) => region.trim().toUpperCase()).filter(Boolean);
  if (regions.length === 0 || regions.some((region) => !/^[A-Z0-9_-]{2,16}$/.test(region))) {
    throw new Error(`REGIONS "${env.REGIONS}" must be a comma-separated list of region codes, e.g. US,EU`);
  }
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: env.DATA_DIR || './data',
    databaseUrl: env.DATABASE_URL || undefined,
    defaultTimeZone,
    logLevel: env.LOG_LEVEL || 'info',
    demo: isOn(env.DEMO),
    adminKey: env.SEATLEDGER_ADMIN_KEY || undefined,
    jwtSecret: env.JWT_SECRET || undefined,
    rateLimitPerMinute: Number(env.RATE_LIMIT_PER_MINUTE || 6000),
    workers: env.WORKERS === undefined ? true : isOn(env.WORKERS),
    masterKey,
    smtpUrl: env.SMTP_URL || undefined,
    smtpFrom: env.SMTP_FROM || 'Seatledger <no-reply@localhost>',
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    regions,
    licenseApiRateLimitPerMinute: positiveInteger(env.LICENSE_API_RATE_LIMIT, 120, 'LICENSE_API_RATE_LIMIT'),
    graphBaseUrl: baseUrl(env.GRAPH_BASE_URL, 'https://graph.microsoft.com', 'GRAPH_BASE_URL'),
    msLoginBaseUrl: baseUrl(env.MS_LOGIN_BASE_URL, 'https://login.microsoftonline.com', 'MS_LOGIN_BASE_URL'),
    webhookAllowPrivate: isOn(env.WEBHOOK_ALLOW_PRIVATE),
  };
}

function baseUrl(value: string | undefined, fallback: string, name: string): string {
  const url = (value || fallback).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url)) throw new Error(`${name} "${value}" must be an http(s) URL`);
  return url;
}

function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${name} "${value}" must be a positive whole number`);
  return number;
}

function isOn(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}
