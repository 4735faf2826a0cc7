import { PoisonMessageError } from './poison-message.error';

/** With a 500 ms first pause: 0.5 + 1 + 2 s of patience per delivery, five deliveries per queue. */
export const DEFAULT_ATTEMPTS_PER_DELIVERY = 4;

export interface TransientRetryOptions {
  /** Attempts in this process before the message goes back to the queue (counting one delivery). */
  attempts: number;
  /** The first pause; each next one doubles. */
  baseDelayMs: number;
  /** Checked before each retry, so a stopping consumer hands the message back at once. */
  stopping(): boolean;
  onRetry(error: Error, attempt: number): void;
}

/**
 * Runs `work` again after growing pauses when it fails with anything but a poison message, so that a
 * short outage (a database restart, a service redeploy) costs time, not one of the queue's few
 * deliveries before the dead-letter queue. Rejects with the last error when the attempts run out.
 */
export async function retryTransient(work: () => Promise<void>, options: TransientRetryOptions): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await work();
      return;
    } catch (error) {
      if (error instanceof PoisonMessageError || attempt >= options.attempts || options.stopping()) throw error;
      options.onRetry(error as Error, attempt);
      await new Promise((resolve) => setTimeout(resolve, options.baseDelayMs * 2 ** (attempt - 1)));
      if (options.stopping()) throw error;
    }
  }
}
