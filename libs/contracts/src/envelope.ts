import { randomUUID } from 'node:crypto';
import { IsDefined, IsISO8601, IsNotEmpty, IsObject, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';

/** Every message on the bus travels in this envelope; `payload` is the versioned contract. */
export interface Envelope<TPayload = unknown> {
  messageId: string;
  type: string;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  payload: TPayload;
}

export class EnvelopeDto<TPayload = unknown> implements Envelope<TPayload> {
  @IsUUID()
  messageId!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  type!: string;

  @IsISO8601({ strict: true })
  occurredAt!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  correlationId!: string;

  @ValidateIf((_envelope, value) => value !== null)
  @IsString()
  @MaxLength(200)
  causationId!: string | null;

  @IsDefined()
  @IsObject()
  payload!: TPayload;
}

/** A payload read by a contract's own reader on a hot path: the value, or why it is not one ("field: message" each). */
export type PayloadReading<T> = { value: T } | { errors: string[] };

export interface EnvelopeOrigin {
  /** The request id where the work started; it follows the work everywhere. */
  correlationId: string;
  /** The id of the message that caused this one, if any. */
  causationId?: string | null;
}

export function createEnvelope<TPayload>(
  type: string,
  payload: TPayload,
  origin: EnvelopeOrigin,
  occurredAt: Date = new Date(),
): Envelope<TPayload> {
  return {
    messageId: randomUUID(),
    type,
    occurredAt: occurredAt.toISOString(),
    correlationId: origin.correlationId,
    causationId: origin.causationId ?? null,
    payload,
  };
}
