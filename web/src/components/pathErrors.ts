import { ApiError } from '../api/client';

export interface PathErrors {
  /** The message for exactly this path (`steps.2.subject`, `condition.conditions.0.driver`). */
  get(path: string): string | undefined;
  /** Field errors whose path no input shows, for a list above the form. */
  unclaimed(shown: Set<string>): { path: string; message: string }[];
  any: boolean;
}

/** An API error's field errors by their dotted path (`body.` prefixes and slashes normalized). */
export function pathErrors(...errors: unknown[]): PathErrors {
  const list = errors
    .flatMap((err) => (err instanceof ApiError ? err.fields : []))
    .map((f) => ({ path: f.path.replace(/^\/?(body[./])?/, '').replace(/\//g, '.'), message: f.message }));
  return {
    get: (p) => list.find((f) => f.path === p)?.message,
    unclaimed: (shown) => list.filter((f) => !shown.has(f.path)),
    any: list.length > 0,
  };
}
