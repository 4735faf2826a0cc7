export const BILLING_CALCULATED_V1 = 'billing.calculated.v1';

/** A finalized session has been priced; the record is derived and can be recomputed identically. */
export interface BillingCalculatedV1 {
  sessionId: string;
  kind: string;
  riderId: string | null;
  vehicleId: string;
  stationId: string | null;
  startedAt: string;
  tariffId: string;
  tariffVersion: number;
  engineVersion: string;
  currency: string;
  totalExclVat: string;
  totalVat: string;
  totalInclVat: string;
  inputHash: string;
}
