import { useState } from 'react';
import type { z } from 'zod';
import { ApiError, fieldKey } from '../api/client';

/** Field messages keyed by the first path segment (`custom.tier` → `custom`), as `ApiError.fieldMap()`. */
export type FieldMessages = Record<string, string>;

/** The first message per field when `value` fails `schema` (one of the API's request schemas). */
export function schemaErrors(schema: z.ZodType, value: unknown): FieldMessages {
  const result = schema.safeParse(value);
  const out: FieldMessages = {};
  if (result.success) return out;
  for (const issue of result.error.issues) {
    const key = issue.path.length > 0 ? fieldKey(issue.path.map(String).join('.')) : '(form)';
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

/**
 * Validate a form with the API's schema before sending. Messages appear once the person first
 * tries to submit, and from then on follow every edit (a fixed field's message goes away). Server
 * field errors of the last attempt (`error`) fill in where the form found nothing.
 */
export function useSchemaCheck(check: () => FieldMessages, error: unknown) {
  const [tried, setTried] = useState(false);
  const client = tried ? check() : {};
  const server = error instanceof ApiError ? error.fieldMap() : {};
  return {
    /** Messages to show, by field: the form's own first, then the server's. */
    fields: { ...server, ...client } as FieldMessages,
    /** Call on submit: true when the form may be sent. */
    validate(): boolean {
      setTried(true);
      return Object.keys(check()).length === 0;
    },
  };
}
