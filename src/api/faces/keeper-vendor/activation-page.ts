import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acceptInvitation, MINIMUM_PASSWORD_LENGTH, PRODUCT_TYPES } from '../../../services/accounts/accept-invitation.ts';
import { getInvitation } from '../../../services/accounts/get-invitation.ts';
import { systemContext } from '../../../services/system-context.ts';
import { MalformedBody } from '../../body.ts';
import { AppError, invalid, notFound, toAppError } from '../../errors.ts';
import type { FaceContext } from '../../server.ts';

// The invitation's activation page: plain server-rendered HTML and a form post, no script. Every value
// written into the page goes through `escapeHtml`.

export interface ActivationSettings {
  /** The regions this installation serves; the first is offered first. */
  regions: string[];
}

const FACE = 'activation';
// Regions an invitee may say they registered in; any outside the installation's own is a REGION_CONFLICT.
const KNOWN_REGIONS = ['US', 'EU', 'AU', 'CA', 'JP', 'GOV'];
const PRODUCT_LABELS: Record<(typeof PRODUCT_TYPES)[number], string> = { msp: 'MSP', enterprise: 'Enterprise', consumer: 'Consumer' };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; }
main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 3px #0002; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input, select { width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; font: inherit; }
button { margin-top: 1.5rem; padding: .6rem 1.2rem; font: inherit; }
.error { color: #a00; }
</style>
</head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body>
</html>
`;
}

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .status(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Frame-Options', 'DENY')
    .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .send(html);
}

interface FormValues {
  region?: string;
  product_type?: string;
}

function form(token: string, invitation: { name: string; email: string }, regions: string[], values: FormValues, error?: string): string {
  const regionChoices = [...new Set([...regions, ...KNOWN_REGIONS])];
  const selectedRegion = values.region ?? regions[0];
  const selectedProduct = values.product_type ?? 'msp';
  const option = (value: string, label: string, selected: boolean) =>
    `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
  return page(
    `Activate ${invitation.name}`,
    `${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>\n` : ''}<p>Set the administrator password for <strong>${escapeHtml(invitation.email)}</strong> and confirm where and how you use the account.</p>
<form method="post" action="/activate/${escapeHtml(token)}">
<label for="password">Password (at least ${MINIMUM_PASSWORD_LENGTH} characters)</label>
<input id="password" name="password" type="password" minlength="${MINIMUM_PASSWORD_LENGTH}" autocomplete="new-password" required>
<label for="password_confirmation">Password again</label>
<input id="password_confirmation" name="password_confirmation" type="password" minlength="${MINIMUM_PASSWORD_LENGTH}" autocomplete="new-password" required>
<label for="region">Region</label>
<select id="region" name="region">${regionChoices.map((region) => option(region, region, region === selectedRegion)).join('')}</select>
<label for="product_type">Product type</label>
<select id="product_type" name="product_type">${PRODUCT_TYPES.map((type) => option(type, PRODUCT_LABELS[type], type === selectedProduct)).join('')}</select>
<button type="submit">Activate</button>
</form>`,
  );
}

/** This page's one error table: a link that cannot be used is gone (410), not a server fault. */
function statusOf(error: AppError): number {
  if (error.kind === 'invalid') return 400;
  if (error.kind === 'not_found') return 404;
  if (error.kind === 'conflict') return 409;
  if (error.kind === 'unprocessable') return error.data?.name === 'InvalidTransition' ? 409 : 410;
  if (error.kind === 'rate_limited') return 429;
  return 500;
}

function refusalPage(reply: FastifyReply, face: FaceContext, error: unknown): FastifyReply {
  const appError = toAppError(error);
  const status = statusOf(appError);
  if (status === 500) face.runtime.log.error({ err: error }, 'activation page failed');
  const message = status === 500 ? 'Something went wrong. Please try again later.' : appError.message;
  return send(reply, status, page('Account activation', `<p class="error" role="alert">${escapeHtml(message)}</p>`));
}

const firstValue = (value: unknown): string | undefined => (Array.isArray(value) ? firstValue(value[0]) : typeof value === 'string' ? value : undefined);

function tokenOf(request: FastifyRequest): string {
  const token = (request.params as { token?: string }).token ?? '';
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) throw notFound('Activation link');
  return token;
}

/** `GET /activate/<token>` shows the form; `POST /activate/<token>` (form-encoded) accepts the invitation. */
export function mountActivationPage(app: FastifyInstance, face: FaceContext, settings: ActivationSettings): void {
  const ctx = systemContext(face.runtime, { face: FACE, method: 'accept-invitation' });

  app.get('/activate/:token', { config: { face: FACE } }, async (request, reply) => {
    try {
      const token = tokenOf(request);
      return send(reply, 200, form(token, await getInvitation(ctx, token), settings.regions, {}));
    } catch (error) {
      return refusalPage(reply, face, error);
    }
  });

  app.post('/activate/:token', { config: { face: FACE } }, async (request, reply) => {
    let token: string;
    let invitation: { name: string; email: string };
    try {
      token = tokenOf(request);
      invitation = await getInvitation(ctx, token);
    } catch (error) {
      return refusalPage(reply, face, error);
    }
    const body = request.body instanceof MalformedBody || typeof request.body !== 'object' || request.body === null ? {} : (request.body as Record<string, unknown>);
    const values = { password: firstValue(body.password) ?? '', confirmation: firstValue(body.password_confirmation), region: firstValue(body.region) ?? '', product_type: firstValue(body.product_type) ?? '' };
    try {
      if (values.confirmation !== undefined && values.confirmation !== values.password) throw invalid('The two passwords differ');
      const accepted = await acceptInvitation(ctx, { token, password: values.password, region: values.region, productType: values.product_type }, settings);
      const detail =
        accepted.status === 'TRIAL'
          ? `<p>Your account is active: the 14-day trial runs until ${escapeHtml(accepted.trialExpiresAt?.toISOString().slice(0, 10))}.</p><p>Sign in as <strong>${escapeHtml(accepted.login)}</strong>.</p>`
          : accepted.status === 'REGION_CONFLICT'
            ? `<p>This installation does not serve the region ${escapeHtml(values.region.toUpperCase())}. Your distributor can see this and will contact you.</p>`
            : `<p>This invitation is for an MSP account, not a ${escapeHtml(values.product_type)} account. Your distributor can see this and will contact you.</p>`;
      return send(reply, 200, page(accepted.status === 'TRIAL' ? 'Account activated' : 'Activation recorded', `<p>Status: <strong>${escapeHtml(accepted.status)}</strong></p>\n${detail}`));
    } catch (error) {
      const appError = toAppError(error);
      if (appError.kind === 'invalid') return send(reply, 400, form(token, invitation, settings.regions, values, appError.message));
      return refusalPage(reply, face, error);
    }
  });
}
