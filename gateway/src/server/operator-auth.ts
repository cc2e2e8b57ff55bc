/**
 * Authentication of the operator routes: an `Authorization: Bearer <token>` header (RFC 6750) holding the
 * operator token of the gateway's configuration. Both sides are hashed (SM3) before a constant-time
 * comparison, so neither the token's bytes nor its length leak through timing. Every operator role
 * (`dataset-admin`, `dataset-reader`) takes the same token: one ministry runs one gateway.
 */
import { timingSafeEqual } from 'node:crypto';
import { sm3 } from '@privgate/accel';
import { GatewayError } from '../errors.ts';
import type { RequireCaller } from '../http/index.ts';

/** Largest Authorization header considered, in characters. */
const MAX_HEADER = 1024;

/**
 * True when `presented` equals `expected`, compared in time independent of where they differ and of
 * the presented length.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = sm3(new TextEncoder().encode(presented));
  const b = sm3(new TextEncoder().encode(expected));
  return timingSafeEqual(a, b);
}

/**
 * The app's authentication hook: admits a request with the operator token, answers `UNAUTHENTICATED`
 * (401, with `WWW-Authenticate: Bearer`) otherwise.
 * @throws {RangeError} for a token shorter than 16 characters.
 */
export function operatorTokenAuth(token: string): RequireCaller {
  if (token.length < 16) throw new RangeError('the operator token must be at least 16 characters');
  return () => (req, res, next) => {
    const header = req.headers.authorization;
    const match =
      typeof header === 'string' && header.length <= MAX_HEADER
        ? /^Bearer ([\x21-\x7e]+)$/i.exec(header.trim())
        : null;
    if (match === null || !tokensEqual(match[1]!, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="privgate-operator"');
      next(
        new GatewayError(
          'UNAUTHENTICATED',
          match === null
            ? 'this route needs the operator token: Authorization: Bearer <token>'
            : 'the operator token is not valid',
          {},
        ),
      );
      return;
    }
    next();
  };
}
