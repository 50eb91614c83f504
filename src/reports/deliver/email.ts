import nodemailer from 'nodemailer';
import type { DigestConfig } from '../../config/reports.js';

export type EmailConfig = NonNullable<DigestConfig['email']>;

/** What the SMTP server accepted. */
export interface SentEmail {
  messageId: string;
  accepted: string[];
}

/**
 * Sends the digest's Markdown as a plain-text message (Markdown reads as text) over SMTP. The
 * transport is made per digest: one message a week does not need a pool.
 */
export async function sendDigestEmail(
  config: EmailConfig,
  message: { subject: string; markdown: string },
): Promise<SentEmail> {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.user ? { auth: { user: config.user, pass: config.password! } } : {}),
  });
  try {
    const info = await transport.sendMail({
      from: config.from,
      to: config.to,
      subject: message.subject,
      text: message.markdown,
      headers: { 'X-Boardkeeper-Report': 'digest' },
    });
    return { messageId: info.messageId, accepted: info.accepted.map(String) };
  } finally {
    transport.close();
  }
}
