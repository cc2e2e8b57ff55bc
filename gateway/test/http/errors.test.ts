import { CodedError } from '@privgate/accel';
import { describe, expect, it } from 'vitest';
import {
  deserializeGatewayError,
  GATEWAY_ERROR_CODES,
  GatewayError,
  isGatewayError,
} from '../../src/errors.ts';
import { PROBLEM_CATALOGUE, problemFor } from '../../src/http/index.ts';

describe('gateway errors', () => {
  it('are CodedErrors with a stable code and typed context, and survive a round trip as JSON', () => {
    const err = new GatewayError('IMPORT_BAD_ROW', 'line 7: bad', {
      dataset: 'tax.arrears',
      line: 7,
      reason: 'bad',
    });
    expect(err).toBeInstanceOf(CodedError);
    expect(err.name).toBe('GatewayError');
    const wire = JSON.parse(JSON.stringify(err));
    expect(wire).toEqual({ code: 'IMPORT_BAD_ROW', message: 'line 7: bad', context: err.context });
    const back = deserializeGatewayError(wire);
    expect(isGatewayError(back, 'IMPORT_BAD_ROW')).toBe(true);
    expect(back.context).toEqual(err.context);
    const foreign = deserializeGatewayError({ code: 'SM2_DECRYPT_FAILED', message: 'x' });
    expect(foreign).not.toBeInstanceOf(GatewayError);
    expect(foreign.code).toBe('SM2_DECRYPT_FAILED');
  });

  it('every code has an HTTP status and a title; 5xx hide their message and context', () => {
    for (const code of GATEWAY_ERROR_CODES) {
      const { status, title } = PROBLEM_CATALOGUE[code];
      expect(status).toBeGreaterThanOrEqual(400);
      expect(title.length).toBeGreaterThan(0);
      const { problem, hidden } = problemFor(
        new GatewayError(code, `secret-${code}`, { dataset: 'x' } as never),
        '/p',
      );
      expect(problem.status).toBe(status);
      expect(problem.code).toBe(code);
      expect(hidden).toBe(status >= 500);
      if (hidden) {
        expect(JSON.stringify(problem)).not.toContain('secret-');
        expect(problem).not.toHaveProperty('dataset');
      } else {
        expect(problem.detail).toBe(`secret-${code}`);
        expect(problem.instance).toBe('/p');
      }
    }
    expect(new Set(GATEWAY_ERROR_CODES).size).toBe(Object.keys(PROBLEM_CATALOGUE).length);
  });
});
