import { DomainError } from '@chargeflow/contracts';

export class QuoteSpanTooLongError extends DomainError {
  readonly code = 'QUOTE_SPAN_TOO_LONG';

  constructor(maxDays: number) {
    super(`a quote covers at most ${maxDays} days`, {
      errors: [{ field: 'endedAt', message: `must be at most ${maxDays} days after startedAt` }],
    });
  }
}
