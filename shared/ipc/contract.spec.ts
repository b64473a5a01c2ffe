import { describe, expect, it } from 'vitest';
import { newPinSchema, rosterNameSchema } from './contract';

describe('rosterNameSchema', () => {
  it.each(['Li Na', 'Zoë Müller', '李娜', 'می\u200cخواهم', 'नमस्\u200dते', "O'Brien-Smith"])(
    'accepts %j',
    (name) => {
      expect(rosterNameSchema.safeParse(name).success).toBe(true);
    },
  );

  // a name that looks like another member's: invisible, direction and joiner characters where no script
  // needs them
  it.each([
    'Li\u200bNa',
    'Li\u200dNa',
    '\u200cLi',
    'Maria \u202esotnaS',
    'Li Na\u2066',
    'Li\ufeff Na',
    'Li\u2028Na',
    'Li\u0000',
  ])('refuses %j', (name) => {
    expect(rosterNameSchema.safeParse(name).success).toBe(false);
  });
});

describe('newPinSchema', () => {
  it.each(['1357', '2468', 'A7-x', '12345678'])('accepts %j', (pin) => {
    expect(newPinSchema.safeParse(pin).success).toBe(true);
  });

  it.each(['    ', '0000', '1111', ' 1357', '1357 ', '123'])('refuses %j', (pin) => {
    expect(newPinSchema.safeParse(pin).success).toBe(false);
  });
});
