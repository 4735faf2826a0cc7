import { IsString } from 'class-validator';
import { createEnvelope } from '@chargeflow/contracts';
import { decodeEnvelope } from './decode-envelope';
import { PoisonMessageError } from './poison-message.error';

class Greeting {
  @IsString()
  text!: string;
}

const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function reasonOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof PoisonMessageError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('decodeEnvelope', () => {
  it('returns a valid envelope with its typed payload', () => {
    const envelope = createEnvelope('greeting.v1', { text: 'hi' }, { correlationId: 'req-1' });
    const decoded = decodeEnvelope(encode(envelope), Greeting);
    expect(decoded.payload).toBeInstanceOf(Greeting);
    expect(decoded).toMatchObject({ messageId: envelope.messageId, correlationId: 'req-1', causationId: null });
  });

  it('rejects malformed JSON, a broken envelope and an invalid payload, each with its reason', () => {
    expect(reasonOf(() => decodeEnvelope(encode('{not json'), Greeting))).toBe('MALFORMED_JSON');
    expect(reasonOf(() => decodeEnvelope(encode({ type: 'greeting.v1', payload: { text: 'hi' } }), Greeting))).toBe(
      'INVALID_ENVELOPE',
    );
    const wrong = createEnvelope('greeting.v1', { text: 42 }, { correlationId: 'req-2' });
    expect(reasonOf(() => decodeEnvelope(encode(wrong), Greeting))).toBe('INVALID_PAYLOAD');
  });
});
