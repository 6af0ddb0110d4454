import { describe, expect, it } from 'vitest';
import { errorsFor, userErrorText } from '../../src/lib/user-errors.js';

describe('userErrorText', () => {
  const required = { field: 'input.title', message: 'is required', code: 'REQUIRED' };

  it('keeps the API’s words in the English interface', () => {
    expect(userErrorText(required, 'en')).toBe('is required');
  });

  it('says in Swedish what every code the forms show means', () => {
    for (const code of ['REQUIRED', 'INVALID', 'NOT_FOUND', 'FORBIDDEN', 'DUPLICATE', 'INVALID_TRANSITION', 'CONFLICT', 'UNAUTHENTICATED']) {
      const text = userErrorText({ message: 'an English message', code }, 'sv');
      expect(text, code).not.toBe('an English message');
    }
    expect(userErrorText(required, 'sv')).toBe('Måste anges.');
  });

  it('falls back to the API’s words for a code it does not know', () => {
    expect(userErrorText({ message: 'unknown key, not imported; did you mean accessURL?', code: 'UNKNOWN_KEY' }, 'sv')).toBe(
      'unknown key, not imported; did you mean accessURL?',
    );
  });
});

describe('errorsFor', () => {
  const errors = [
    { field: 'input.consent.duoModifiers[0].value', message: 'needs a value', code: 'REQUIRED' },
    { field: 'input.consent', message: 'is required', code: 'REQUIRED' },
  ];

  it('finds a field’s errors, and with `within` those of the fields inside it', () => {
    expect(errorsFor(errors, 'consent')).toEqual([errors[1]]);
    expect(errorsFor(errors, 'consent.duoModifiers', true)).toEqual([errors[0]]);
  });
});
