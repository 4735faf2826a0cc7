import { Exchanges, SESSION_FINALIZED_V1, TELEMETRY_REJECTED_V1 } from '@chargeflow/contracts';
import { isFactRoute, topicMatches } from './topology';

describe('topic bindings', () => {
  it.each([
    ['sample.*', 'sample.7d0f', true],
    ['sample.*', 'sample.7d0f.extra', false],
    ['sample.*', 'meter.7d0f', false],
    ['sample.#', 'sample', true],
    ['#', 'a.b.c', true],
    ['a.#.c', 'a.b.b.c', true],
    ['session.finalized.v1', 'session.finalized.v2', false],
  ])('%s matches %s: %s', (pattern, routingKey, expected) => {
    expect(topicMatches(pattern, routingKey)).toBe(expected);
  });

  it('calls a route a fact route only when a fact queue of the topology takes it', () => {
    expect(isFactRoute(Exchanges.telemetry, 'sample.7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77')).toBe(true);
    expect(isFactRoute(Exchanges.telemetry, 'meter.7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77')).toBe(true);
    expect(isFactRoute(Exchanges.events, SESSION_FINALIZED_V1)).toBe(true);
    expect(isFactRoute(Exchanges.events, TELEMETRY_REJECTED_V1)).toBe(false);
    expect(isFactRoute(Exchanges.events, 'sample.7d0f')).toBe(false);
  });
});
