import { createHash } from 'node:crypto';
import { LIMITS, truncate } from './limits';

/**
 * Who a transaction, span or vital sample belongs to, as one string: the first of id, email,
 * username, IP address that is set. A raw IP address is never stored: it becomes `ip:` followed by
 * the first 16 hex characters of its SHA-256 (stable, so unique-user counts still work).
 * `{{auto}}` (the SDK asking the server to fill in the client address) counts as not set.
 */
export interface UserFields {
  id?: unknown;
  email?: unknown;
  username?: unknown;
  ip_address?: unknown;
}

export function userIdOf(user: UserFields | null | undefined): string {
  if (!user) return '';
  for (const value of [user.id, user.email, user.username]) {
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
    if (text !== '') return truncate(text, LIMITS.shortField);
  }
  const ip = typeof user.ip_address === 'string' ? user.ip_address.trim() : '';
  return ip === '' || ip === '{{auto}}' ? '' : hashIpAddress(ip);
}

/** `ip:` + the first 16 hex characters of SHA-256 of the (trimmed, lower-cased) address. */
export function hashIpAddress(ip: string): string {
  return `ip:${createHash('sha256').update(ip.trim().toLowerCase()).digest('hex').slice(0, 16)}`;
}
