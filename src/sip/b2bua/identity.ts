/**
 * The caller ID the routing engine chose (routing/caller-id.ts, spec §9) written into a SIP request:
 * the From display name and user (what phones show), P-Asserted-Identity (RFC 3325 §9.1, what a
 * trusted peer such as a carrier reads) and Privacy: id when it is hidden (RFC 3323 §4.2). A hidden
 * caller is "Anonymous" <sip:anonymous@anonymous.invalid> (RFC 3323 §4.1.1.3) and gets no
 * P-Asserted-Identity towards devices; towards a carrier trunk the asserted number is still sent with
 * Privacy: id, which the carrier must honour (RFC 3325 §7) — needed for emergency calls and billing.
 */
import type { CallerIdShown } from '../../routing/types.ts';
import type { NameAddr, SipUri } from '../message/types.ts';
import { newTag } from '../message/build.ts';
import { quote } from '../message/headers-parse.ts';

const sipUri = (user: string, host: string): SipUri => ({ scheme: 'sip', user, password: null, host, port: null, params: new Map(), headers: new Map() });

/** The display name phones show: the name, with the Office for another account (§8 "with the office"). */
export function displayName(cid: CallerIdShown): string | null {
  if (cid.anonymous) return 'Anonymous';
  const base = cid.name ?? cid.number ?? cid.extension;
  if (base === null) return null;
  return cid.office && cid.source.startsWith('federation') ? `${base} (${cid.office})` : base;
}

/** The user part callers are called back on: the extension for name + extension, else the number. */
export function identityUser(cid: CallerIdShown): string {
  if (cid.anonymous) return 'anonymous';
  return (cid.source === 'internal' || cid.source === 'federation_name_extension' ? cid.extension ?? cid.number : cid.number ?? cid.extension) ?? 'unknown';
}

/** From (with a new tag) and the identity headers of a B-leg INVITE. */
export function identityFor(cid: CallerIdShown, domain: string, towards: 'device' | 'trunk'): { from: NameAddr; headers: [string, string][] } {
  const params = new Map<string, string | null>([['tag', newTag()]]);
  if (cid.anonymous) {
    const headers: [string, string][] = [['Privacy', 'id']];
    if (towards === 'trunk' && cid.number) headers.push(['P-Asserted-Identity', `<sip:${cid.number}@${domain}>`]);
    return { from: { displayName: 'Anonymous', uri: sipUri('anonymous', 'anonymous.invalid'), params }, headers };
  }
  const user = identityUser(cid);
  const name = displayName(cid);
  const pai = `${name !== null ? `${quote(name)} ` : ''}<sip:${user}@${domain}>`;
  const headers: [string, string][] = [['P-Asserted-Identity', pai]];
  if (cid.number && user !== cid.number) headers.push(['P-Asserted-Identity', `<tel:${cid.number}>`]);
  return { from: { displayName: name, uri: sipUri(user, domain), params }, headers };
}
