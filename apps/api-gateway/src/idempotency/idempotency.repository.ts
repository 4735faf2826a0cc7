import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** How long a first response is replayed. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;
/** A request still "in progress" after this long died with its gateway instance; a retry may take it over. */
const ABANDONED_AFTER_SECONDS = 120;

export type IdempotencyClaim =
  | { outcome: 'claimed' }
  | { outcome: 'replay'; status: number; body: unknown }
  | { outcome: 'mismatch' }
  | { outcome: 'in-progress' };

interface RecordRow {
  request_fingerprint: string;
  response_status: number | null;
  response_body: { value: unknown } | null;
  completed_at: Date | null;
}

/** The gateway's record of first responses per (API key, Idempotency-Key), kept 24 h. */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims the key for this request, or says what to do instead. Claiming is one atomic upsert, so
   * two concurrent requests with the same key (on any gateway instance) never both run.
   */
  async claim(apiKeyId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const claimed: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_record (api_key_id, idempotency_key, request_fingerprint, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(hours => $4))
       ON CONFLICT (api_key_id, idempotency_key) DO UPDATE
         SET request_fingerprint = EXCLUDED.request_fingerprint, created_at = now(), expires_at = EXCLUDED.expires_at,
             response_status = NULL, response_body = NULL, completed_at = NULL
         WHERE idempotency_record.expires_at <= now()
            OR (idempotency_record.completed_at IS NULL
                AND idempotency_record.request_fingerprint = EXCLUDED.request_fingerprint
                AND idempotency_record.created_at < now() - make_interval(secs => $5))
       RETURNING 1`,
      [apiKeyId, key, fingerprint, IDEMPOTENCY_RETENTION_HOURS, ABANDONED_AFTER_SECONDS],
    );
    if (claimed.length > 0) return { outcome: 'claimed' };
    const rows: RecordRow[] = await this.dataSource.query(
      `SELECT request_fingerprint, response_status, response_body, completed_at FROM idempotency_record
       WHERE api_key_id = $1 AND idempotency_key = $2`,
      [apiKeyId, key],
    );
    const record = rows[0];
    if (!record || (record.completed_at === null && record.request_fingerprint === fingerprint))
      return { outcome: 'in-progress' };
    if (record.request_fingerprint !== fingerprint) return { outcome: 'mismatch' };
    return { outcome: 'replay', status: record.response_status ?? 200, body: record.response_body?.value };
  }

  async complete(apiKeyId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_record SET response_status = $3, response_body = $4, completed_at = now()
       WHERE api_key_id = $1 AND idempotency_key = $2`,
      [apiKeyId, key, status, JSON.stringify({ value: body ?? null })],
    );
  }

  /** The request failed: forget the claim so that a retry with the same key runs again. */
  async release(apiKeyId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_record WHERE api_key_id = $1 AND idempotency_key = $2 AND completed_at IS NULL`,
      [apiKeyId, key],
    );
  }

  async purgeExpired(): Promise<number> {
    const [, deleted] = (await this.dataSource.query(`DELETE FROM idempotency_record WHERE expires_at < now()`)) as [
      unknown,
      number,
    ];
    return deleted;
  }
}
