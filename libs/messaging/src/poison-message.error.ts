/**
 * Thrown by a handler for a message that can never succeed (malformed, invalid): the consumer moves
 * it to the dead-letter queue with this reason instead of redelivering it.
 */
export class PoisonMessageError extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'PoisonMessageError';
  }
}
