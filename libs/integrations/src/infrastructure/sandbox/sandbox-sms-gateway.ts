import type { Clock } from '@shiming/workflow';
import type { DataSource } from 'typeorm';
import type { SentSms, SmsGateway } from '../../sms-gateway.port';

export interface SandboxSms {
  messageId: string;
  mobile: string;
  text: string;
  sentAt: Date;
}

interface SmsRow {
  id: string;
  mobile: string;
  text: string;
  sent_at: Date;
}

/**
 * Sends nothing: keeps each message in `sandbox_sms` for the sandbox inbox. The mobile
 * is stored as given, in plaintext: acceptable for sandbox test numbers only.
 */
export class SandboxSmsGateway implements SmsGateway {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async send(mobile: string, text: string): Promise<SentSms> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO sandbox_sms (mobile, text, sent_at) VALUES ($1, $2, $3) RETURNING id`,
      [mobile, text, this.clock.now()],
    );
    return { messageId: String(rows[0].id) };
  }

  /** Messages sent to the mobile, newest first. */
  async inbox(mobile: string, limit = 50): Promise<SandboxSms[]> {
    const rows: SmsRow[] = await this.dataSource.query(
      `SELECT id, mobile, text, sent_at FROM sandbox_sms
       WHERE mobile = $1
       ORDER BY sent_at DESC, id DESC
       LIMIT $2`,
      [mobile, limit],
    );
    return rows.map((row) => ({
      messageId: String(row.id),
      mobile: row.mobile,
      text: row.text,
      sentAt: row.sent_at,
    }));
  }
}
