import { randomUUID } from 'node:crypto';
import type { SessionFinalizedV1 } from '@chargeflow/contracts';

/** The rider of every ride the fixtures finalize. */
export const RIDER = randomUUID();

/** Off-peak and peak energy in the operator's (or the station's) zone, at two VAT rates. */
export const timeOfDayTariff = (kind: 'RIDE' | 'CHARGING') => ({
  currency: 'EUR',
  appliesTo: { kind },
  elements: [
    {
      price_components: [{ type: 'ENERGY', price: 0.2, vat: 21, step_size: 1 }],
      restrictions: { start_time: '22:00', end_time: '07:00' },
    },
    {
      price_components: [
        { type: 'ENERGY', price: '0.35', vat: '21', step_size: 1 },
        { type: 'TIME', price: '0.60', vat: '9', step_size: 60 },
      ],
    },
  ],
});

let sequence = 0;
/** A finalized session starting on a distinct minute of 2026, 20 to 140 minutes long. */
export function aFinalizedSession(
  kind: 'RIDE' | 'CHARGING',
  overrides: Partial<SessionFinalizedV1> = {},
): SessionFinalizedV1 {
  sequence += 1;
  const startMs = Date.parse('2026-01-05T00:00:00Z') + sequence * 7 * 60_000;
  const durationS = 1_200 + (sequence % 7) * 1_200;
  return {
    sessionId: randomUUID(),
    kind,
    vehicleId: randomUUID(),
    riderId: kind === 'RIDE' ? RIDER : null,
    stationId: kind === 'CHARGING' ? randomUUID() : null,
    stationTimeZone: kind === 'CHARGING' ? 'Europe/Berlin' : null,
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(startMs + durationS * 1000).toISOString(),
    durationS,
    energyWh: String(1_000 + (sequence % 97) * 113.5),
    energySource: 'TELEMETRY',
    distanceM: '0',
    sampleCount: 1,
    ...overrides,
  };
}
