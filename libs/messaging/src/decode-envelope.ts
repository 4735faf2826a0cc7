import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvelopeDto, type Envelope, type PayloadReading } from '@chargeflow/contracts';
import { PoisonMessageError } from './poison-message.error';
import { fieldErrorsOf } from './rpc/invalid-request.error';

/** Parses and validates an envelope and its payload; services do not trust each other's input either. */
export function decodeEnvelope<T extends object>(content: Buffer, payloadType: ClassConstructor<T>): Envelope<T> {
  const envelope = envelopeOf(content);
  const payload = plainToInstance(payloadType, envelope.payload);
  assertValid(payload, 'INVALID_PAYLOAD');
  return { ...envelope, payload };
}

/** As decodeEnvelope, the payload checked by a contract's own reader (a hot path's, see readOcppFramesLogged). */
export function decodeEnvelopeWith<T extends object>(
  content: Buffer,
  read: (payload: unknown) => PayloadReading<T>,
): Envelope<T> {
  const envelope = envelopeOf(content);
  const reading = read(envelope.payload);
  if ('errors' in reading) throw new PoisonMessageError('INVALID_PAYLOAD', reading.errors.join('; '));
  return { ...envelope, payload: reading.value };
}

function envelopeOf(content: Buffer): EnvelopeDto {
  let raw: unknown;
  try {
    raw = JSON.parse(content.toString('utf8'));
  } catch {
    throw new PoisonMessageError('MALFORMED_JSON', 'message body is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PoisonMessageError('INVALID_ENVELOPE', 'message body is not a JSON object');
  }
  // The envelope's own fields as they came: the payload is read on its own after, not copied here first.
  const { messageId, type, occurredAt, correlationId, causationId, payload } = raw as Record<keyof Envelope, unknown>;
  const envelope = Object.assign(new EnvelopeDto(), {
    messageId,
    type,
    occurredAt,
    correlationId,
    causationId,
    payload,
  });
  assertValid(envelope, 'INVALID_ENVELOPE');
  return envelope;
}

function assertValid(value: object, reason: string): void {
  const errors = validateSync(value, { forbidUnknownValues: true });
  if (errors.length > 0)
    throw new PoisonMessageError(
      reason,
      fieldErrorsOf(errors)
        .map((error) => `${error.field}: ${error.message}`)
        .join('; '),
    );
}
