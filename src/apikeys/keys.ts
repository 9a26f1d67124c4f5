import { randomToken, sha256 } from '../auth/tokens.js';

export type ApiKeyKind = 'write' | 'rest';

/** A new API key: `cnp_w_…` (write, ingestion) or `cnp_r_…` (REST). Only the hash is stored. */
export function generateApiKey(kind: ApiKeyKind): { key: string; hash: string; prefix: string } {
  const key = `cnp_${kind === 'write' ? 'w' : 'r'}_${randomToken(32)}`;
  return { key, hash: sha256(key), prefix: key.slice(0, 12) };
}
