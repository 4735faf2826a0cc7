import { DomainError } from '@chargeflow/contracts';

export class BillingRecordNotFoundError extends DomainError {
  readonly code = 'BILLING_RECORD_NOT_FOUND';

  constructor(sessionId: string) {
    super(`no billing record for session ${sessionId}`, { sessionId });
  }
}

export class SessionNotFinalizedError extends DomainError {
  readonly code = 'SESSION_NOT_FINALIZED';

  /** Billing runs only on finalized sessions. */
  constructor(sessionId: string) {
    super(`session ${sessionId} is still active; it is billed once it is finalized`, { sessionId });
  }
}

export class VerificationNotFoundError extends DomainError {
  readonly code = 'VERIFICATION_NOT_FOUND';

  constructor(id: string) {
    super(`no billing verification ${id}`, { id });
  }
}
