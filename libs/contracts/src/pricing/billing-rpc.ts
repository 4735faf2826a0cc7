import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { PeriodPageRequest } from '../common/pagination';
import { SessionKinds, type SessionKind } from '../sessions/session-kinds';

/** RPC patterns of the billing records the pricing service derives. */
export const BillingRpc = {
  getBySession: 'billing.get-by-session.v1',
  list: 'billing.list.v1',
  statement: 'billing.statement.v1',
  verify: 'billing.verify.v1',
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

/** A rider's statement: the billing records of the sessions started in [from, to). */
export class StatementRequest {
  @IsUUID()
  riderId!: string;

  @IsISO8601({ strict: true })
  from!: string;

  @IsISO8601({ strict: true })
  to!: string;
}

/** Recomputes the stored records (all, or those of sessions started in [from, to)) and compares. */
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
}

export interface VerifyReport {
  checked: number;
  mismatches: { sessionId: string; reason: string }[];
}
