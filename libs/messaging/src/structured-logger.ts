import type { ConsumeMessage } from 'amqplib';
import { CORRELATION_ID_HEADER } from './correlation';

export type LogFields = Record<string, unknown>;

/**
 * The logger messaging writes to, in pino's call shape (fields, then a fixed message): a service hands
 * in its own pino logger, so these lines are JSON like every other and carry the ids of the message at hand.
 */
export interface StructuredLogger {
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

/**
 * The correlation id a delivery carries: an RPC request's in its header (its correlationId property
 * matches the reply), an event's in the correlationId property.
 */
export function correlationIdOf(message: ConsumeMessage): string | undefined {
  const header = message.properties.headers?.[CORRELATION_ID_HEADER];
  if (typeof header === 'string') return header;
  const property = message.properties.correlationId as unknown;
  return typeof property === 'string' ? property : undefined;
}

/** Ids come from publishers (a device sets its own headers): a log line keeps at most this much of one. */
const MAX_ID_LENGTH = 128;

const bounded = (id: string | undefined) => id?.slice(0, MAX_ID_LENGTH);

/** What names one delivery in a log line. */
export function deliveryFields(queue: string, message: ConsumeMessage): LogFields {
  return {
    queue,
    messageType: message.properties.type,
    messageId: bounded(message.properties.messageId as string | undefined),
    correlationId: bounded(correlationIdOf(message)),
  };
}

const MAX_CORRELATION_IDS_LOGGED = 20;

/** What names a batch of deliveries in a log line: its size and its distinct correlation ids (bounded). */
export function batchFields(queue: string, batch: ConsumeMessage[]): LogFields {
  const correlationIds = new Set<string>();
  for (const message of batch) {
    const id = bounded(correlationIdOf(message));
    if (id) correlationIds.add(id);
    if (correlationIds.size === MAX_CORRELATION_IDS_LOGGED) break;
  }
  return { queue, batchSize: batch.length, correlationIds: [...correlationIds] };
}
