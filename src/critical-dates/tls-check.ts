import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { type AllowList, OutboundRefusedError, checkAddress } from '../outbound/address.js';
import { describeOutboundError, guardedLookup } from '../outbound/request.js';
import type { Target } from './target.js';

/** What one live check found: the expiry it read (null on failure) and what else it saw, or why it failed. */
export type CheckOutcome = { ok: boolean; expiresAt: Date | null; result: Record<string, unknown>; error: string | null; durationMs: number };

const first = (v: string | string[] | undefined): string | null => (Array.isArray(v) ? (v[0] ?? null) : (v ?? null));

/** The names a certificate covers ("DNS:a.example, DNS:b.example, IP Address:…" → ["a.example", …]). */
export function sansOf(subjectaltname: string | undefined): string[] {
  if (!subjectaltname) return [];
  return subjectaltname.split(/,\s*/).map((s) => s.replace(/^(DNS|IP Address):/, '').trim()).filter(Boolean).slice(0, 100);
}

function describe(cert: tls.PeerCertificate, host: string, socket: tls.TLSSocket): CheckOutcome['result'] & { validTo: Date } {
  let selfSigned = false;
  try {
    const x = new X509Certificate(cert.raw);
    // Issued by its own subject and signed by its own key (checkIssued also wants keyCertSign, which leaf certificates lack).
    selfSigned = x.issuer === x.subject && x.verify(x.publicKey);
  } catch {
    selfSigned = false;
  }
  const identityError = tls.checkServerIdentity(host, cert);
  return {
    validTo: new Date(cert.valid_to),
    validFrom: new Date(cert.valid_from).toISOString(),
    issuer: first(cert.issuer?.CN) ?? first(cert.issuer?.O),
    issuerOrg: first(cert.issuer?.O),
    subject: first(cert.subject?.CN),
    sans: sansOf(cert.subjectaltname),
    selfSigned,
    authorized: socket.authorized,
    authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
    hostnameMatches: identityError === undefined,
    serialNumber: cert.serialNumber ?? null,
    fingerprint256: cert.fingerprint256 ?? null,
    protocol: socket.getProtocol(),
  };
}

/** "the certificate presented is for a.example, b.example, not c.example" (its SANs, else its subject CN). */
export function mismatchError(cert: tls.PeerCertificate, sans: readonly string[], host: string): string {
  const names = sans.length > 0 ? sans : [first(cert.subject?.CN)].filter((n): n is string => !!n);
  const shown = names.length === 0 ? 'no name' : names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
  return `the certificate presented is for ${shown}, not ${host}`.slice(0, 500);
}

/**
 * Reads the certificate a host presents, through the outbound rules: the name is resolved by the
 * guarded lookup (every address checked, no private ones unless allow-listed) and an IP literal is
 * checked before connecting. The chain is not required to verify (`rejectUnauthorized: false`): an
 * expired or self-signed certificate is read and recorded with `authorized` and the reason it is not.
 * A certificate whose names do not cover the host is not this host's: the check fails (ok false, no
 * expiry) with what was read kept in `result`.
 * Connect and handshake together get at most `timeoutMs`.
 */
export function checkTls(target: Target, opts: { allow: AllowList; timeoutMs: number }): Promise<CheckOutcome> {
  const started = Date.now();
  const fail = (error: string): CheckOutcome => ({ ok: false, expiresAt: null, result: { host: target.host, port: target.port }, error, durationMs: Date.now() - started });
  if (target.isIp) {
    const reason = checkAddress(target.host, opts.allow);
    if (reason) return Promise.resolve(fail(new OutboundRefusedError(reason, target.host).message));
  }
  return new Promise<CheckOutcome>((resolve) => {
    let settled = false;
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      ...(target.isIp ? {} : { servername: target.host }),
      rejectUnauthorized: false,
      lookup: guardedLookup(opts.allow),
    });
    const done = (o: CheckOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done(fail(`timed out after ${opts.timeoutMs} ms (connect and TLS handshake)`)), opts.timeoutMs);
    socket.once('secureConnect', () => {
      try {
        const cert = socket.getPeerCertificate(false);
        if (!cert || !cert.raw || !cert.valid_to) return done(fail('the server sent no certificate'));
        const { validTo, ...seen } = describe(cert, target.host, socket);
        if (Number.isNaN(validTo.getTime())) return done(fail(`the certificate's expiry could not be read (${String(cert.valid_to).slice(0, 60)})`));
        const result = { host: target.host, port: target.port, validTo: validTo.toISOString(), ...seen };
        // A certificate for another name says nothing about this host's expiry: recorded as seen, not as the date.
        if (!seen.hostnameMatches) return done({ ok: false, expiresAt: null, result, error: mismatchError(cert, sansOf(cert.subjectaltname), target.host), durationMs: Date.now() - started });
        done({ ok: true, expiresAt: validTo, result, error: null, durationMs: Date.now() - started });
      } catch (err) {
        done(fail(`the certificate could not be read: ${describeOutboundError(err, opts.timeoutMs)}`));
      }
    });
    socket.once('error', (err) => done(fail(describeOutboundError(err, opts.timeoutMs))));
    socket.once('close', () => done(fail('the connection closed before the TLS handshake finished')));
  });
}
