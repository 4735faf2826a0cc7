import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvelopeDto, type Envelope } from '@chargeflow/contracts';
import { PoisonMessageError } from './poison-message.error';
import { fieldErrorsOf } from './rpc/invalid-request.error';

/** Parses and validates an envelope and its payload; services do not trust each other's input either. */
export function decodeEnvelope<T extends object>(content: Buffer, payloadType: ClassConstructor<T>): Envelope<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(content.toString('utf8'));
  } catch {
    throw new PoisonMessageError('MALFORMED_JSON', 'message body is not valid JSON');
  }
  const envelope = plainToInstance(EnvelopeDto, raw);
  assertValid(envelope, 'INVALID_ENVELOPE');
  const payload = plainToInstance(payloadType, envelope.payload);
  assertValid(payload, 'INVALID_PAYLOAD');
  return { ...envelope, payload };
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
