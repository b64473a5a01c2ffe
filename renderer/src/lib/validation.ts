// Turns zod issues into one plain sentence per form field (dotted path), for inline errors.
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

function sentence(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & {
    origin?: string;
    minimum?: number | bigint;
    maximum?: number | bigint;
    expected?: string;
  };
  switch (i.code) {
    case 'too_small':
      if (i.origin === 'string')
        return Number(i.minimum) <= 1 ? 'Required.' : `At least ${i.minimum} characters.`;
      return `Must be at least ${i.minimum}.`;
    case 'too_big':
      if (i.origin === 'string') return `At most ${i.maximum} characters.`;
      return `Must be at most ${i.maximum}.`;
    case 'invalid_type':
      return i.expected === 'number' ? 'Enter a number.' : 'Required.';
    case 'custom': {
      const m = i.message;
      return m ? m.charAt(0).toUpperCase() + m.slice(1) + (m.endsWith('.') ? '' : '.') : 'Invalid value.';
    }
    default:
      return 'Invalid value.';
  }
}

export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    out[key] ??= sentence(issue);
  }
  return out;
}

/** "" → NaN (so the schema reports "Enter a number"), otherwise Number(value). */
export function toNumber(value: string | number): number {
  if (typeof value === 'number') return value;
  const t = value.trim().replace(',', '.');
  return t === '' ? Number.NaN : Number(t);
}
