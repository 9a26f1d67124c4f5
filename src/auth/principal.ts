export const ROLES = ['admin', 'manager', 'csm', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const API_KEY_ROLES = ['admin', 'manager', 'viewer'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** Who is making a request: a signed-in user or a REST API key. */
export type Principal =
  | { kind: 'user'; userId: string; role: Role; teamId: string | null; name: string; email: string }
  | { kind: 'api_key'; keyId: string; role: ApiKeyRole; name: string };

/** Who did something, as written to the audit log. */
export type Actor = { type: 'user' | 'api_key' | 'system'; id: string | null; label: string; ip?: string | undefined };

export function actorOf(p: Principal, ip?: string): Actor {
  return p.kind === 'user'
    ? { type: 'user', id: p.userId, label: p.email, ip }
    : { type: 'api_key', id: p.keyId, label: `key:${p.name}`, ip };
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, label: 'system' };
