import type { Message } from 'amqplib';
import { firstPublicationOf, routingKeyOf } from './dead-letters';

const message = (exchange: string, routingKey: string, headers: Record<string, unknown> = {}) =>
  ({ content: Buffer.from('{}'), fields: { exchange, routingKey }, properties: { headers } }) as unknown as Message;

describe('where a message came from, through dead-lettering and replay', () => {
  it('judges a delivery by its routing key, and a replay by the key it was first published with', () => {
    expect(routingKeyOf(message('telemetry', 'sample.a'))).toBe('sample.a');
    expect(routingKeyOf(message('', 'telemetry.samples', { 'x-original-routing-key': 'sample.a' }))).toBe('sample.a');
  });

  it('ignores the header on a message published to a real exchange: a device could have written it', () => {
    expect(routingKeyOf(message('telemetry', 'sample.a', { 'x-original-routing-key': 'sample.b' }))).toBe('sample.a');
  });

  it("finds the first publication in a consumer's headers, else in the broker's x-death, else in the delivery", () => {
    const written = message('chargeflow.dlx', 'q', {
      'x-original-exchange': 'telemetry',
      'x-original-routing-key': 'sample.a',
    });
    expect(firstPublicationOf(written)).toEqual({ exchange: 'telemetry', routingKey: 'sample.a' });
    const brokered = message('chargeflow.dlx', 'q', {
      'x-death': [{ exchange: 'chargeflow.events', 'routing-keys': ['session.finalized.v1'] }],
    });
    expect(firstPublicationOf(brokered)).toEqual({ exchange: 'chargeflow.events', routingKey: 'session.finalized.v1' });
    expect(firstPublicationOf(message('telemetry', 'meter.s'))).toEqual({
      exchange: 'telemetry',
      routingKey: 'meter.s',
    });
  });
});
