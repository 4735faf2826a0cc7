import { admit, type LedgerState } from './admission';
import type { Sample } from './sample';

const RIDE = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const CHARGE = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const VEHICLE = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const STATION = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

let counter = 0;
const aSample = (overrides: Partial<Sample> = {}): Sample => {
  counter += 1;
  return {
    telemetryId: `t-${counter}`,
    sessionId: RIDE,
    source: 'VEHICLE',
    deviceId: VEHICLE,
    emittedAt: new Date('2026-05-01T12:00:00Z'),
    energyWh: '1.5',
    meterWh: null,
    distanceM: '10',
    speedKmh: null,
    batteryLevelWh: null,
    seq: null,
    contentHash: `hash-${counter}`,
    ...overrides,
  };
};
const aMeterReading = (meterWh: string) =>
  aSample({ sessionId: CHARGE, source: 'STATION', deviceId: STATION, energyWh: null, meterWh, distanceM: null });

const ledgers = (overrides: Partial<Record<string, Partial<LedgerState>>> = {}) =>
  new Map<string, LedgerState>([
    [
      RIDE,
      {
        sessionId: RIDE,
        kind: 'RIDE',
        state: 'ACTIVE',
        vehicleId: VEHICLE,
        stationId: null,
        lastMeterWh: null,
        ...overrides[RIDE],
      },
    ],
    [
      CHARGE,
      {
        sessionId: CHARGE,
        kind: 'CHARGING',
        state: 'ACTIVE',
        vehicleId: VEHICLE,
        stationId: STATION,
        lastMeterWh: null,
        ...overrides[CHARGE],
      },
    ],
  ]);

const reasons = (admission: ReturnType<typeof admit>) => admission.refused.map((entry) => entry.refusal.reason);

describe('admit', () => {
  it('counts new samples of an active session and sums them per session', () => {
    const admission = admit([aSample({ energyWh: '0.1' }), aSample({ energyWh: '0.2' })], ledgers(), new Map());
    expect(admission.accepted).toHaveLength(2);
    expect(admission.increments).toEqual([
      { sessionId: RIDE, energyWh: '0.3', distanceM: '20', sampleCount: 2, lastMeterWh: null },
    ]);
  });

  it('ignores a sample seen before with the same content, and refuses one with other content', () => {
    const first = aSample();
    const admission = admit([first, { ...first }, { ...first, contentHash: 'other' }], ledgers(), new Map());
    expect(admission.accepted).toHaveLength(1);
    expect(admission.duplicates).toBe(1);
    expect(reasons(admission)).toEqual(['TELEMETRY_ID_CONFLICT']);
    const stored = admit([{ ...first }], ledgers(), new Map([[first.telemetryId, first.contentHash]]));
    expect([stored.accepted.length, stored.duplicates]).toEqual([0, 1]);
  });

  it('refuses samples for a sealed or unknown session, or from a device that is not the session’s', () => {
    const admission = admit(
      [
        aSample(),
        aSample({ sessionId: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee' }),
        aSample({ sessionId: CHARGE, source: 'STATION', deviceId: VEHICLE }),
      ],
      ledgers({ [RIDE]: { state: 'SEALED' } }),
      new Map(),
    );
    expect(reasons(admission)).toEqual(['SESSION_FINALIZED', 'SESSION_UNKNOWN', 'DEVICE_MISMATCH']);
    expect(admission.increments).toEqual([]);
  });

  it('turns meter readings into increments, the first one being the baseline', () => {
    const admission = admit(
      [aMeterReading('1000'), aMeterReading('1000.5'), aMeterReading('1002')],
      ledgers(),
      new Map(),
    );
    expect(admission.accepted.map((sample) => sample.energyWh)).toEqual(['0', '0.5', '1.5']);
    expect(admission.increments).toEqual([
      { sessionId: CHARGE, energyWh: '2', distanceM: '0', sampleCount: 3, lastMeterWh: '1002' },
    ]);
  });

  it('continues from the last reading the ledger holds and refuses a reading that goes backwards', () => {
    const admission = admit(
      [aMeterReading('999'), aMeterReading('1010')],
      ledgers({ [CHARGE]: { lastMeterWh: '1000' } }),
      new Map(),
    );
    expect(reasons(admission)).toEqual(['METER_WENT_BACKWARDS']);
    expect(admission.increments[0]).toMatchObject({ energyWh: '10', lastMeterWh: '1010' });
  });
});
