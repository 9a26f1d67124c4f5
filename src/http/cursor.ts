import { AppError } from './errors.js';

/** Opaque keyset cursors: base64url of a JSON array of the sort values of the last row. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): unknown[] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === length) return v;
  } catch {
    // fall through to the error below
  }
  throw new AppError('request.invalid', 'The cursor is not valid; start again without it.', [{ path: 'cursor', message: 'invalid cursor' }]);
}
