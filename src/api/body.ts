import { parse as parseQueryString } from 'node:querystring';
import type { FastifyInstance } from 'fastify';

/** A body that could not be parsed: REST answers 400 and JSON-RPC answers -32700, each in its own shape. */
export class MalformedBody {
  constructor(readonly reason: string) {}
}

/**
 * Every body is read as JSON whatever its declared type: the CoreAPI's own curl examples send JSON
 * with curl's default `application/x-www-form-urlencoded`. A real form body is accepted as a form.
 */
export function registerBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const type = request.headers['content-type'] ?? '';
      if (type.startsWith('application/x-www-form-urlencoded') && !/^\s*[[{]/.test(text)) {
        return done(null, { ...parseQueryString(text) });
      }
      done(null, new MalformedBody('The body is not valid JSON'));
    }
  });
}
