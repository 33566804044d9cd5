import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Opaque secrets (bearer tokens, session cookies): 256 random bits, shown once, stored only as their
 * SHA-256. A hash of a random 256-bit value needs no salt or slow hash: it cannot be guessed.
 */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function secretHash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A stable pseudonym: HMAC-SHA-256 of the value under a per-authority secret, 16 hex digits. */
export function pseudonymOf(secret: Buffer, value: string): string {
  return `P${createHmac('sha256', secret).update(value, 'utf8').digest('hex').slice(0, 16).toUpperCase()}`;
}

export function randomKey(): Buffer {
  return randomBytes(32);
}
