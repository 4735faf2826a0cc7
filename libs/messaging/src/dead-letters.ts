import type { ChannelModel, GetMessage } from 'amqplib';
import { deadLetterQueueOf } from './topology';

export interface DeadLetterCount {
  queue: string;
  deadLetterQueue: string;
  /** Messages waiting in the dead-letter queue, or null when it has not been declared yet. */
  waiting: number | null;
}

/** How many messages wait in each queue's `<queue>.dlq`. */
export async function countDeadLetters(model: ChannelModel, queues: readonly string[]): Promise<DeadLetterCount[]> {
  const counts: DeadLetterCount[] = [];
  for (const queue of queues) {
    const deadLetterQueue = deadLetterQueueOf(queue);
    // A missing queue closes the channel that asked: one channel per question.
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    try {
      counts.push({ queue, deadLetterQueue, waiting: (await channel.checkQueue(deadLetterQueue)).messageCount });
      await channel.close();
    } catch {
      counts.push({ queue, deadLetterQueue, waiting: null });
    }
  }
  return counts;
}

const REPLAY_BATCH = 100;

/** Headers the broker writes when it dead-letters; a replayed message starts its history afresh. */
const BROKER_HEADERS = ['x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-last-death-exchange', 'x-last-death-queue', 'x-last-death-reason'];

/**
 * Moves messages from `<queue>.dlq` back to `<queue>` once their cause is fixed (an outage that outlasted
 * the retries, a consumer bug). Each copy goes straight to the queue through the default exchange, and
 * the dead letter is acked only after the broker confirmed its copy: a crash in between leaves a
 * duplicate, which consumers already ignore, never a loss. At most the messages present when it starts
 * are moved (or `limit`), so a message that fails again does not loop. Resolves how many moved.
 */
export async function replayDeadLetters(model: ChannelModel, queue: string, limit = Number.POSITIVE_INFINITY): Promise<number> {
  const deadLetterQueue = deadLetterQueueOf(queue);
  const channel = await model.createConfirmChannel();
  try {
    await channel.checkQueue(queue);
    const { messageCount } = await channel.checkQueue(deadLetterQueue);
    const total = Math.min(messageCount, limit);
    let moved = 0;
    while (moved < total) {
      const batch: GetMessage[] = [];
      while (batch.length < Math.min(REPLAY_BATCH, total - moved)) {
        const message = await channel.get(deadLetterQueue, { noAck: false });
        if (!message) break;
        batch.push(message);
      }
      if (batch.length === 0) break;
      for (const message of batch) {
        const headers: Record<string, unknown> = { ...message.properties.headers, 'x-replayed-at': new Date().toISOString() };
        for (const header of BROKER_HEADERS) delete headers[header];
        channel.sendToQueue(queue, message.content, {
          ...message.properties,
          headers,
          persistent: true,
        });
      }
      await channel.waitForConfirms();
      channel.ack(batch[batch.length - 1], true);
      moved += batch.length;
    }
    return moved;
  } finally {
    await channel.close().catch(() => undefined);
  }
}
