import { IsString } from 'class-validator';
import { createEnvelope } from '@chargeflow/contracts';
import { decodeEnvelope, decodeEnvelopeWith } from './decode-envelope';
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

  it('refuses a body that is JSON but no object as a broken envelope', () => {
    for (const body of ['[]', '42', '"text"', 'null']) {
      expect(reasonOf(() => decodeEnvelope(encode(body), Greeting))).toBe('INVALID_ENVELOPE');
    }
  });

  it('keeps only the envelope fields, whatever else the body carries', () => {
    const envelope = createEnvelope('greeting.v1', { text: 'hi' }, { correlationId: 'req-3' });
    const body = `{"__proto__":{"polluted":true},"extra":1,${JSON.stringify(envelope).slice(1)}`;
    const decoded = decodeEnvelope(encode(body), Greeting);
    expect(Object.keys(decoded).sort()).toEqual(Object.keys(envelope).sort());
    expect((decoded as unknown as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('reads the payload with a contract reader, refusing it with the reader’s reasons', () => {
    const read = (payload: unknown) =>
      typeof (payload as Greeting).text === 'string'
        ? { value: payload as Greeting }
        : { errors: ['text: must be a string'] };
    const good = createEnvelope('greeting.v1', { text: 'hi' }, { correlationId: 'req-4' });
    expect(decodeEnvelopeWith(encode(good), read).payload).toEqual({ text: 'hi' });
    const wrong = createEnvelope('greeting.v1', { text: 42 }, { correlationId: 'req-5' });
    let refusal: unknown;
    try {
      decodeEnvelopeWith(encode(wrong), read);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(PoisonMessageError);
    expect(refusal).toMatchObject({
      reason: 'INVALID_PAYLOAD',
      message: expect.stringContaining('text: must be a string'),
    });
    expect(reasonOf(() => decodeEnvelopeWith(encode('{"payload":{}}'), read))).toBe('INVALID_ENVELOPE');
  });
});
