/**
 * Bodies of the public check-in answer, read without resolving ambiguity: a field sent twice
 * (`importance=5&importance=9`, or `{"importance": 5, "importance": 9}`) is kept as sent — the
 * answer is refused as invalid, never answered with one of the two picked.
 */

/** A urlencoded form: each field's value, or all its values (an array) when it came more than once. */
export function formFields(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(body)) {
    const had = out[key];
    out[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return { ...out };
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
// A JSON string token, optionally followed by the colon that makes it a key, or a bracket (outside strings).
const TOKENS = /"(?:[^"\\]|\\.)*"(\s*:)?|[{}[\]]/g;

/**
 * The keys that appear more than once in one object of a JSON text (JSON.parse keeps the last
 * silently), as dotted paths from the top (`importance`, `a.b`); [] when there are none. Expects
 * text JSON.parse accepted: every string followed by a colon is then an object's key.
 */
export function repeatedJsonKeys(json: string): string[] {
  const stack: { keys: Set<string> | null; path: string; last: string | null }[] = [];
  const repeated: string[] = [];
  for (const m of json.matchAll(TOKENS)) {
    const token = m[0];
    const top = stack[stack.length - 1];
    if (token === '{' || token === '[') {
      const at = top?.keys && top.last !== null ? join(top.path, top.last) : top?.path ?? '';
      stack.push({ keys: token === '{' ? new Set() : null, path: at, last: null });
    } else if (token === '}' || token === ']') {
      stack.pop();
    } else if (m[1] !== undefined && top?.keys) {
      const key = JSON.parse(token.slice(0, token.lastIndexOf('"') + 1)) as string;
      if (top.keys.has(key)) repeated.push(join(top.path, key));
      top.keys.add(key);
      top.last = key;
    }
  }
  return repeated;
}
