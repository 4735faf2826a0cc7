import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MAX_LISTED_MISMATCHES, type VerificationStatus, type VerificationView } from '@chargeflow/contracts';
import { cursorInstant, type Position } from '@chargeflow/runtime';

export interface Verification {
  id: string;
  status: VerificationStatus;
  rangeFrom: Date | null;
  rangeTo: Date | null;
  total: number;
  checked: number;
  mismatchCount: number;
  mismatches: { sessionId: string; reason: string }[];
  /** The last record checked, by start (to the microsecond) and session id; null before the first page. */
  afterStartedAt: string | null;
  afterSessionId: string | null;
  error: string | null;
  leaseToken: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, status, range_from AS "rangeFrom", range_to AS "rangeTo", total, checked, mismatch_count AS "mismatchCount",
  mismatches, ${cursorInstant('after_started_at')} AS "afterStartedAt", after_session_id AS "afterSessionId", error, lease_token AS "leaseToken", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** How long a runner owns a verification without reporting a page; after that another instance resumes it. */
const LEASE = `interval '30 seconds'`;

export function toVerificationView(verification: Verification): VerificationView {
  return {
    id: verification.id,
    status: verification.status,
    checked: verification.checked,
    total: verification.total,
    mismatchCount: verification.mismatchCount,
    mismatches: verification.mismatches,
    error: verification.error,
    startedAt: verification.createdAt.toISOString(),
    updatedAt: verification.updatedAt.toISOString(),
  };
}

/** Billing verifications: their range, progress and mismatches, and which runner holds each. */
@Injectable()
export class VerificationRepository {
  async create(
    manager: EntityManager,
    verification: { id: string; from?: string; to?: string; total: number },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO billing_verification (id, status, range_from, range_to, total) VALUES ($1, 'RUNNING', $2, $3, $4)`,
      [verification.id, verification.from ?? null, verification.to ?? null, verification.total],
    );
  }

  async find(manager: EntityManager, id: string): Promise<Verification | null> {
    const [row] = (await manager.query(`SELECT ${COLUMNS} FROM billing_verification WHERE id = $1`, [
      id,
    ])) as Verification[];
    return row ?? null;
  }

  /** Takes the oldest RUNNING verification nobody holds (or whose holder went quiet) under a new lease token. */
  async claim(manager: EntityManager, leaseToken: string): Promise<Verification | null> {
    const [row] = (await manager.query(
      `UPDATE billing_verification SET lease_token = $1, lease_until = now() + ${LEASE}
       WHERE id = (SELECT id FROM billing_verification WHERE status = 'RUNNING' AND (lease_until IS NULL OR lease_until < now())
                   ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [leaseToken],
    )) as [Verification[], number];
    return row[0] ?? null;
  }

  /**
   * Adds one checked page, listing its mismatches up to the maximum, and renews the lease; `done` ends
   * it. Resolves false when the lease was lost to another runner, which then owns the verification.
   */
  async recordPage(
    manager: EntityManager,
    page: {
      id: string;
      leaseToken: string;
      checked: number;
      after: Position | null;
      mismatches: { sessionId: string; reason: string }[];
      done: boolean;
    },
  ): Promise<boolean> {
    const [, updated] = (await manager.query(
      `UPDATE billing_verification SET checked = checked + $3, after_started_at = COALESCE($8::timestamptz, after_started_at),
         after_session_id = COALESCE($4::uuid, after_session_id),
         mismatch_count = mismatch_count + jsonb_array_length($5::jsonb),
         mismatches = CASE WHEN jsonb_array_length(mismatches) >= $6 THEN mismatches
           ELSE mismatches || (SELECT COALESCE(jsonb_agg(m), '[]') FROM (SELECT m FROM jsonb_array_elements($5::jsonb) m
             LIMIT $6 - jsonb_array_length(mismatches)) limited) END,
         status = CASE WHEN $7 THEN 'DONE' ELSE status END, lease_until = now() + ${LEASE}, updated_at = now()
       WHERE id = $1 AND lease_token = $2 AND status = 'RUNNING'`,
      [
        page.id,
        page.leaseToken,
        page.checked,
        page.after?.id ?? null,
        JSON.stringify(page.mismatches),
        MAX_LISTED_MISMATCHES,
        page.done,
        page.after?.at ?? null,
      ],
    )) as [unknown[], number];
    return updated === 1;
  }

  async fail(manager: EntityManager, id: string, leaseToken: string, error: string): Promise<void> {
    await manager.query(
      `UPDATE billing_verification SET status = 'FAILED', error = $3, updated_at = now() WHERE id = $1 AND lease_token = $2`,
      [id, leaseToken, error],
    );
  }
}

/** Where a verification stands: after the last record it checked, or at the start. */
export function positionOf(verification: Verification): Position | null {
  return verification.afterStartedAt && verification.afterSessionId
    ? { at: verification.afterStartedAt, id: verification.afterSessionId }
    : null;
}
