import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { PageRequest, PeriodPageRequest } from '../common/pagination';
import { SessionKinds, type SessionKind } from '../sessions/session-kinds';

/** RPC patterns of the billing records the pricing service derives. */
export const BillingRpc = {
  getBySession: 'billing.get-by-session.v1',
  list: 'billing.list.v1',
  statement: 'billing.statement.v1',
  startVerification: 'billing.verify.start.v1',
  getVerification: 'billing.verify.get.v1',
} as const;

export const BillingStatuses = ['PRICED', 'UNPRICED'] as const;
export type BillingStatus = (typeof BillingStatuses)[number];

export class BillingBySessionRequest {
  @IsUUID()
  sessionId!: string;
}

/** Billing records, filtered on when their sessions started. */
export class ListBillingRequest extends PeriodPageRequest {
  @IsOptional()
  @IsIn(BillingStatuses)
  status?: BillingStatus;

  @IsOptional()
  @IsIn(SessionKinds)
  kind?: SessionKind;

  @IsOptional()
  @IsUUID()
  riderId?: string;
}

/** The period and page of a statement: sessions started in [from, to), oldest first. */
export class StatementPeriodRequest extends PageRequest {
  @IsISO8601({ strict: true })
  from!: string;

  @IsISO8601({ strict: true })
  to!: string;
}

/**
 * A rider's statement: the billing records of the sessions started in [from, to), oldest first, one
 * page of lines at a time; the totals always cover the whole period.
 */
export class StatementRequest extends StatementPeriodRequest {
  @IsUUID()
  riderId!: string;
}

/**
 * Starts recomputing the stored records (all, or those of sessions started in [from, to)) and
 * comparing them, in pages in the background; answered at once with the verification's id.
 */
export class VerifyBillingRequest {
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export interface BillingRecordView {
  sessionId: string;
  status: BillingStatus;
  /** Grows by one each time a record replaces the session's previous one, as in billing.calculated.v2. */
  revision: number;
  /** Why an UNPRICED record has no price yet; it is priced when a tariff that applies appears. */
  reason: string | null;
  kind: SessionKind;
  riderId: string | null;
  vehicleId: string;
  stationId: string | null;
  startedAt: string;
  endedAt: string;
  calculatedAt: string;
  /** The billing record itself (currency, line items, totals, tariff id and version, engine version, input hash); null when unpriced. */
  billing: Record<string, unknown> | null;
}

export interface StatementView {
  riderId: string;
  from: string;
  to: string;
  lines: {
    sessionId: string;
    kind: SessionKind;
    startedAt: string;
    status: BillingStatus;
    currency: string | null;
    totalExclVat: string | null;
    totalVat: string | null;
    totalInclVat: string | null;
  }[];
  totals: { currency: string; totalExclVat: string; totalVat: string; totalInclVat: string; sessions: number }[];
  unpriced: number;
  /** The next page of lines; null on the last. */
  nextCursor: string | null;
}

export class GetVerificationRequest {
  @IsUUID()
  id!: string;
}

export const VerificationStatuses = ['RUNNING', 'DONE', 'FAILED'] as const;
export type VerificationStatus = (typeof VerificationStatuses)[number];

/** At most this many mismatches are listed; mismatchCount counts them all. */
export const MAX_LISTED_MISMATCHES = 1_000;

export interface VerificationStarted {
  id: string;
}

/** A verification's progress: `total` is the number of priced records in its range when it started. */
export interface VerificationView {
  id: string;
  status: VerificationStatus;
  checked: number;
  total: number;
  mismatchCount: number;
  mismatches: { sessionId: string; reason: string }[];
  /** Why it FAILED; null otherwise. */
  error: string | null;
  startedAt: string;
  updatedAt: string;
}
