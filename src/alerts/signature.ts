import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-boardkeeper-signature-256';
export const DELIVERY_HEADER = 'x-boardkeeper-delivery';
export const TIMESTAMP_HEADER = 'x-boardkeeper-timestamp';
export const EVENT_HEADER = 'x-boardkeeper-event';

/** GitHub's webhook convention: `sha256=` + hex HMAC-SHA256 of the raw body, so receivers can reuse their verifier. */
export function signatureOf(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
