// What Segment's API tolerates in strings but PostgreSQL refuses: NUL characters (text and jsonb
// cannot hold U+0000, errors 22P05/22021) and lone UTF-16 surrogates (not valid Unicode, so they
// cannot be encoded as UTF-8). Both are repaired here, in every string and key of a message,
// before validation, so a stray byte in one event can never fail the batch it came in.

export type SanitizeNote = { field: string; message: string };

// String.prototype.isWellFormed/toWellFormed exist from Node 20 (ES2024); the TypeScript lib here is ES2023.
type Es2024String = string & { isWellFormed(): boolean; toWellFormed(): string };

/** The string without NUL characters and with lone surrogates replaced by U+FFFD; what changed. */
export function cleanString(s: string): { value: string; strippedNul: boolean; replacedSurrogate: boolean } {
  const noNul = s.includes('\u0000') ? s.replaceAll('\u0000', '') : s;
  const u = noNul as Es2024String;
  const wellFormed = u.isWellFormed() ? noNul : u.toWellFormed();
  return { value: wellFormed, strippedNul: noNul !== s, replacedSurrogate: wellFormed !== noNul };
}

/**
 * A deep copy of a parsed JSON value with every string and key cleaned, and one note per
 * repaired place (at most `maxNotes`; the rest are counted in the last note). Iterative rather
 * than recursive: the body parser already bounds the depth at 32, and this adds no stack of its own.
 * A key that becomes `__proto__` once cleaned is dropped, so cleaning cannot reach a prototype.
 */
export function sanitizeJson(value: unknown, maxNotes = 10): { value: unknown; notes: SanitizeNote[] } {
  const notes: SanitizeNote[] = [];
  let extra = 0;
  const note = (field: string, message: string) => {
    if (notes.length < maxNotes) notes.push({ field: field || '(event)', message });
    else extra++;
  };
  const fixString = (s: string, path: string): string => {
    const c = cleanString(s);
    if (c.strippedNul) note(path, 'NUL characters (\\u0000) were removed');
    if (c.replacedSurrogate) note(path, 'unpaired UTF-16 surrogates were replaced by U+FFFD');
    return c.value;
  };

  const root: { v: unknown } = { v: undefined };
  type Job = { src: unknown; path: string; set: (v: unknown) => void };
  const stack: Job[] = [{ src: value, path: '', set: (v) => { root.v = v; } }];
  while (stack.length > 0) {
    const { src, path, set } = stack.pop() as Job;
    if (typeof src === 'string') {
      set(fixString(src, path));
    } else if (Array.isArray(src)) {
      const out: unknown[] = new Array<unknown>(src.length);
      set(out);
      src.forEach((item, i) => stack.push({ src: item, path: path ? `${path}.${i}` : String(i), set: (v) => { out[i] = v; } }));
    } else if (src !== null && typeof src === 'object') {
      const out: Record<string, unknown> = {};
      set(out);
      for (const [rawKey, item] of Object.entries(src as Record<string, unknown>)) {
        const cleaned = cleanString(rawKey).value;
        const key = fixString(rawKey, path ? `${path}.${cleaned}` : cleaned);
        if (key === '__proto__') {
          note(path ? `${path}.${key}` : key, 'a key named __proto__ was dropped');
          continue;
        }
        stack.push({ src: item, path: path ? `${path}.${key}` : key, set: (v) => { out[key] = v; } });
      }
    } else {
      set(src);
    }
  }
  if (extra > 0) notes.push({ field: '(event)', message: `${extra} more repaired strings not listed` });
  return { value: root.v, notes };
}
