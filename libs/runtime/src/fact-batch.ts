import type { ConsumeMessage } from 'amqplib';
import { PoisonMessageError } from '@chargeflow/messaging';
import { isContentError } from './storable-text';

/**
 * Applies items together (one transaction, one batch); when the database refuses what one of them
 * holds (isContentError), each on its own, so only the ones it refuses are left out and the others
 * are applied. Resolves the refused ones, each with the database's reason. Any other error (an
 * outage) is thrown: the whole batch is then retried.
 */
export async function applyTogetherOrEach<T>(
  items: T[],
  apply: (items: T[]) => Promise<void>,
): Promise<{ item: T; reason: string }[]> {
  if (items.length === 0) return [];
  try {
    await apply(items);
    return [];
  } catch (error) {
    if (!isContentError(error)) throw error;
  }
  const refused: { item: T; reason: string }[] = [];
  for (const item of items) {
    try {
      await apply([item]);
    } catch (error) {
      if (!isContentError(error)) throw error;
      refused.push({ item, reason: (error as Error).message });
    }
  }
  return refused;
}

/**
 * A batch of deliveries as a fact consumer handles it: each admitted (a PoisonMessageError refuses it),
 * the admitted applied together (see applyTogetherOrEach: one the database refuses is refused as
 * UNSTORABLE), then every refused one dead-lettered, after the commit: a failed dead-lettering retries
 * the batch, whose applied deliveries the consumer's inbox then skips.
 */
export async function handleFactBatch<T extends { message: ConsumeMessage }>(
  messages: ConsumeMessage[],
  steps: {
    admit(message: ConsumeMessage): T;
    apply(admitted: T[]): Promise<void>;
    deadLetter(message: ConsumeMessage, error: PoisonMessageError): Promise<void>;
  },
): Promise<void> {
  const admitted: T[] = [];
  const refused: { message: ConsumeMessage; error: PoisonMessageError }[] = [];
  for (const message of messages) {
    try {
      admitted.push(steps.admit(message));
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      refused.push({ message, error });
    }
  }
  for (const { item, reason } of await applyTogetherOrEach(admitted, (some) => steps.apply(some)))
    refused.push({ message: item.message, error: new PoisonMessageError('UNSTORABLE', reason) });
  for (const { message, error } of refused) await steps.deadLetter(message, error);
}
