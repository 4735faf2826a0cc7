import { admit, type LedgerState } from './admission';
import type { Sample } from './sample';

const RIDE = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const CHARGE = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const VEHICLE = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const STATION = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
const STARTED = new Date('2026-05-01T11:00:00Z');
const RULES = { clockSkewMs: 10 * 60_000 };

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
const aMeterReading = (meterWh: string, seq: number) =>
  aSample({ sessionId: CHARGE, source: 'STATION', deviceId: STATION, energyWh: null, meterWh, distanceM: null, seq });

const aLedger = (sessionId: string, overrides: Partial<LedgerState> = {}): LedgerState => ({
  sessionId,
  kind: sessionId === RIDE ? 'RIDE' : 'CHARGING',
  state: 'ACTIVE',
  vehicleId: VEHICLE,
  stationId: sessionId === RIDE ? null : STATION,
  metered: sessionId !== RIDE,
  startedAt: STARTED,
  energyWh: '0',
  distanceM: '0',
  firstMeter: null,
  lastMeter: null,
  ...overrides,
});

const ledgers = (overrides: Partial<Record<string, Partial<LedgerState>>> = {}) =>
  new Map<string, LedgerState>([
    [RIDE, aLedger(RIDE, overrides[RIDE])],
    [CHARGE, aLedger(CHARGE, overrides[CHARGE])],
  ]);

const reasons = (admission: ReturnType<typeof admit>) => admission.refused.map((entry) => entry.refusal.reason);
const admitted = (samples: Sample[], state = ledgers()) => admit(samples, state, new Map(), RULES);

describe('admit', () => {
  it('counts new samples of an active session and sums them per session', () => {
    const admission = admitted([aSample({ energyWh: '0.1' }), aSample({ energyWh: '0.2' })]);
    expect(admission.accepted).toHaveLength(2);
    expect(admission.increments).toEqual([
      { sessionId: RIDE, energyWh: '0.3', distanceM: '20', sampleCount: 2, firstMeter: null, lastMeter: null },
    ]);
  });

  it('ignores a sample seen before with the same content, and refuses one with other content', () => {
    const first = aSample();
    const admission = admitted([first, { ...first }, { ...first, contentHash: 'other' }]);
    expect(admission.accepted).toHaveLength(1);
    expect(admission.duplicates).toBe(1);
    expect(reasons(admission)).toEqual(['TELEMETRY_ID_CONFLICT']);
    const stored = admit([{ ...first }], ledgers(), new Map([[first.telemetryId, first.contentHash]]), RULES);
    expect([stored.accepted.length, stored.duplicates]).toEqual([0, 1]);
  });

  it('refuses samples for a sealed or unknown session, or from a device that is not the session’s', () => {
    const admission = admitted(
      [
        aSample(),
        aSample({ sessionId: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee' }),
        aSample({ sessionId: CHARGE, source: 'STATION', deviceId: VEHICLE }),
      ],
      ledgers({ [RIDE]: { state: 'SEALED' } }),
    );
    expect(reasons(admission)).toEqual(['SESSION_FINALIZED', 'SESSION_UNKNOWN', 'DEVICE_MISMATCH']);
    expect(admission.increments).toEqual([]);
  });

  it('refuses a sample emitted before its session started by more than the clock skew, and keeps one within it', () => {
    const admission = admitted([
      aSample({ emittedAt: new Date(STARTED.getTime() - 10 * 60_000) }),
      aSample({ emittedAt: new Date(STARTED.getTime() - 10 * 60_000 - 1) }),
    ]);
    expect(admission.accepted).toHaveLength(1);
    expect(reasons(admission)).toEqual(['EMITTED_BEFORE_SESSION_START']);
  });

  it('turns meter readings into increments, the lowest seq being the baseline', () => {
    const admission = admitted([aMeterReading('1000', 1), aMeterReading('1000.5', 2), aMeterReading('1002', 3)]);
    expect(admission.accepted.map((sample) => sample.energyWh)).toEqual(['0', '0.5', '1.5']);
    expect(admission.increments).toEqual([
      {
        sessionId: CHARGE,
        energyWh: '2',
        distanceM: '0',
        sampleCount: 3,
        firstMeter: { seq: 1, wh: '1000' },
        lastMeter: { seq: 3, wh: '1002' },
      },
    ]);
  });

  it.each([
    ['in order', [1, 2, 3, 4]],
    ['in reverse', [4, 3, 2, 1]],
    ['shuffled', [3, 1, 4, 2]],
  ])('gives the highest-seq register minus the lowest whatever the order (%s)', (_order, seqs) => {
    const register = (seq: number) => String(1000 + seq * seq * 10);
    const admission = admitted(seqs.map((seq) => aMeterReading(register(seq), seq)));
    expect(reasons(admission)).toEqual([]);
    expect(admission.increments[0].energyWh).toBe('150');
    expect(admission.accepted.reduce((sum, sample) => sum + Number(sample.energyWh), 0)).toBe(150);
  });

  it('refuses a reading that contradicts the others, before or after them or in between', () => {
    const admission = admitted(
      [aMeterReading('999', 6), aMeterReading('1011', 4), aMeterReading('1030', 7), aMeterReading('1001', 5)],
      ledgers({ [CHARGE]: { firstMeter: { seq: 5, wh: '1000' }, lastMeter: { seq: 5, wh: '1000' } } }),
    );
    expect(reasons(admission)).toEqual(['METER_WENT_BACKWARDS', 'METER_WENT_BACKWARDS', 'METER_WENT_BACKWARDS']);
    expect(admission.increments[0]).toMatchObject({ energyWh: '30', lastMeter: { seq: 7, wh: '1030' } });
  });

  it('stores a vehicle’s samples during a metered charge without counting them: the station’s meter counts', () => {
    const admission = admitted([
      aMeterReading('1000', 1),
      aSample({ sessionId: CHARGE, energyWh: '40', distanceM: null }),
      aMeterReading('1050', 2),
    ]);
    expect(admission.accepted.map((sample) => sample.counted)).toEqual([true, false, true]);
    expect(admission.increments[0]).toMatchObject({ energyWh: '50', sampleCount: 2 });
    const unmetered = admitted(
      [aSample({ sessionId: CHARGE, energyWh: '40', distanceM: null })],
      ledgers({ [CHARGE]: { metered: false } }),
    );
    expect(unmetered.increments[0]).toMatchObject({ energyWh: '40', sampleCount: 1 });
  });

  it('refuses, sample by sample, what would take a total beyond its column, so the session can still end', () => {
    const admission = admitted(
      [aSample({ energyWh: '0.003' }), aSample({ energyWh: '0.002' })],
      ledgers({ [RIDE]: { energyWh: '99999999999.997' } }),
    );
    expect(reasons(admission)).toEqual(['TOTAL_OUT_OF_RANGE']);
    expect(admission.increments[0]).toMatchObject({ energyWh: '0.002', sampleCount: 1 });
  });
});
