import { describe, expect, it } from 'vitest';
import { CreateConnectorError, isCreateConnectorError } from './errors.ts';
import { errorsData } from './errors-data.ts';

describe('the error catalog', () => {
  it('says what happened, why and what to do for unknownTemplate', () => {
    const error = new CreateConnectorError('unknownTemplate', {
      template: 'keper',
      valid: ['blank', 'keeper'],
      closest: 'keeper',
    });
    expect(error.message).toBe('There is no template named "keper".');
    expect(error.fix).toBe('Did you mean "keeper"? Pass --template with one of: blank, keeper.');
    expect(error.why).toBe(errorsData.unknownTemplate.why);
    expect(error.format().split('\n')).toEqual([error.message, error.why, error.fix]);
  });

  it('leaves out the suggestion when nothing is close', () => {
    const error = new CreateConnectorError('unknownTemplate', {
      template: 'zzz',
      valid: ['blank'],
      closest: undefined,
    });
    expect(error.fix).toBe('Pass --template with one of: blank.');
  });

  it('gives every entry a non-empty why ending with a period', () => {
    for (const [code, entry] of Object.entries(errorsData)) {
      expect(entry.why, code).toMatch(/\S.*\.$/);
    }
  });

  it('is recognized by its brand, not by instanceof', () => {
    const error = new CreateConnectorError('cancelled', {});
    expect(isCreateConnectorError(error)).toBe(true);
    const lookalike = Object.assign(new Error('x'), {
      name: 'CreateConnectorError',
      code: 'cancelled',
      fix: 'y',
    });
    expect(isCreateConnectorError(lookalike)).toBe(true);
    expect(isCreateConnectorError(new Error('x'))).toBe(false);
    expect(isCreateConnectorError({ name: 'CreateConnectorError', code: 'x', fix: 'y' })).toBe(false);
  });

  it('lists at most five entries of a non-empty directory', () => {
    const error = new CreateConnectorError('directoryNotEmpty', {
      dir: '/tmp/x',
      entries: ['a', 'b', 'c', 'd', 'e', 'f'],
    });
    expect(error.message).toBe('The directory /tmp/x is not empty (it holds a, b, c, d, e, ...).');
  });
});
