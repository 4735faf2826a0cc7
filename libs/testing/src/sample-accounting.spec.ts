import { accountFor, accountingLine, analyticsDisagreements, type PublishedSample } from './sample-accounting';

const publish = (n: number, overrides: Partial<PublishedSample> = {}): PublishedSample => ({
  messageId: `m${n}`,
  telemetryId: `t${n}`,
  sessionId: 's1',
  energyWh: '1.5',
  outcome: 'confirmed',
  ...overrides,
});

describe('accounting for every published sample', () => {
  it('is clean when every confirmed sample is counted once or refused with a reason, and totals match', () => {
    const history = [
      publish(1),
      publish(2),
      publish(2, { messageId: 'm2-again' }),
      publish(3),
      publish(4, { outcome: 'indeterminate' }),
    ];
    const accounting = accountFor(
      history,
      [
        { telemetryId: 't1', sessionId: 's1', energyWh: '1.5' },
        { telemetryId: 't2', sessionId: 's1', energyWh: '1.5' },
      ],
      [{ messageId: 'm3', telemetryId: null, reason: 'UNSTORABLE' }],
      [{ sessionId: 's1', state: 'FINALIZED', energyWh: '3' }],
    );
    expect(accounting).toEqual({
      attempted: 5,
      confirmed: 4,
      indeterminate: 1,
      counted: 2,
      rejectedByReason: { UNSTORABLE: 1 },
      lost: [],
      duplicated: [],
      phantom: [],
      wrongSessions: [],
      countedWh: '3',
      countedWhBySession: { s1: '3' },
      sealedSeen: 0,
      activeWithSealedLedger: [],
    });
    expect(accountingLine('clean', accounting)).toBe(
      'clean: attempted 5, confirmed 4, indeterminate 1, counted 2, rejected {UNSTORABLE 1}, lost 0, duplicated 0, ' +
        'phantom 0, wrong sessions 0, active with a sealed ledger 0',
    );
  });

  it('finds a confirmed sample neither counted nor refused as lost; an indeterminate one may be missing', () => {
    const accounting = accountFor([publish(1), publish(2, { outcome: 'indeterminate' })], [], [], []);
    expect(accounting.lost).toEqual(['m1']);
  });

  it('finds a sample counted twice, one counted nobody sent, and one counted in another session', () => {
    const accounting = accountFor(
      [publish(1), publish(2)],
      [
        { telemetryId: 't1', sessionId: 's1', energyWh: '1.5' },
        { telemetryId: 't1', sessionId: 's1', energyWh: '1.5' },
        { telemetryId: 't9', sessionId: 's1', energyWh: '1' },
        { telemetryId: 't2', sessionId: 's2', energyWh: '1.5' },
      ],
      [],
      [],
    );
    expect(accounting.duplicated).toEqual(['t1']);
    expect(accounting.phantom).toEqual(['t9', 't2']);
  });

  it('finds a session left Active, or finalized with another total than its counted samples', () => {
    const accounting = accountFor(
      [publish(1), publish(2, { sessionId: 's2' })],
      [
        { telemetryId: 't1', sessionId: 's1', energyWh: '1.5' },
        { telemetryId: 't2', sessionId: 's2', energyWh: '1.5' },
      ],
      [],
      [
        { sessionId: 's1', state: 'ACTIVE', energyWh: null },
        { sessionId: 's2', state: 'FINALIZED', energyWh: '1.25' },
      ],
    );
    expect(accounting.wrongSessions).toEqual([
      { sessionId: 's1', state: 'ACTIVE', energyWh: null, countedWh: '1.5' },
      { sessionId: 's2', state: 'FINALIZED', energyWh: '1.25', countedWh: '1.5' },
    ]);
  });

  it('finds a session left Active though telemetry refuses its late samples as finalized, or though its end was asked', () => {
    const late = (sessionId: string) => ({
      messageId: null,
      telemetryId: `late-${sessionId}`,
      reason: 'SESSION_FINALIZED',
      sessionId,
    });
    const accounting = accountFor(
      [],
      [],
      [late('s1'), late('s1'), late('s2'), late('s4'), { messageId: 'm', telemetryId: null, reason: 'MALFORMED_JSON' }],
      [
        { sessionId: 's1', state: 'ACTIVE', energyWh: null },
        { sessionId: 's2', state: 'FINALIZED', energyWh: '0' },
        { sessionId: 's3', state: 'ACTIVE', energyWh: null, endRequested: true },
        { sessionId: 's4', state: 'FINALIZED', energyWh: '0', endRequested: true },
        { sessionId: 's5', state: 'ACTIVE', energyWh: null, endRequested: false },
      ],
    );
    expect(accounting.sealedSeen).toBe(3);
    expect(accounting.activeWithSealedLedger).toEqual(['s1', 's3']);
  });

  it('sums the energy of distinct counted samples, in all and per session', () => {
    const accounting = accountFor(
      [publish(1), publish(2, { sessionId: 's2' })],
      [
        { telemetryId: 't1', sessionId: 's1', energyWh: '0.1' },
        { telemetryId: 't1', sessionId: 's1', energyWh: '0.1' },
        { telemetryId: 't2', sessionId: 's2', energyWh: '0.2' },
      ],
      [],
      [],
    );
    expect(accounting.countedWh).toBe('0.3');
    expect(accounting.countedWhBySession).toEqual({ s1: '0.2', s2: '0.2' });
  });
});

describe('analytics against the checker', () => {
  const expected = { vehicleOf: { s1: 'v1', s2: 'v2' }, billedInclVat: { EUR: '1.21' } };
  const counted = { countedWh: '3.5', countedWhBySession: { s1: '1.5', s2: '2' } };
  const agreeing = {
    rides: 2,
    energyConsumedWh: '3.500',
    pricedSessions: 2,
    revenueInclVat: { EUR: '1.21' },
    energyByVehicle: { v1: '1.5', v2: '2.000' },
    explainedEnergy: { s1: '1.500', s2: '2' },
  };

  it('agrees when every figure equals the checker’s, whatever the decimal spelling', () => {
    expect(analyticsDisagreements(agreeing, counted, expected)).toEqual([]);
  });

  it('names each figure that differs: count, energy in all, per vehicle and per session, priced sessions, revenue', () => {
    const reading = {
      rides: 1,
      energyConsumedWh: '3.499',
      pricedSessions: 1,
      revenueInclVat: { EUR: '1.2', USD: '1' },
      energyByVehicle: { v1: '1.5' },
      explainedEnergy: { s1: '1.5', s2: '2', s9: '1' },
    };
    expect(analyticsDisagreements(reading, counted, expected)).toEqual([
      'rides: analytics 1, checker 2',
      'priced sessions: analytics 1, checker 2',
      'energy consumed: analytics 3.499, checker 3.5',
      'revenue in EUR: analytics 1.2, checker 1.21',
      'revenue in USD: analytics 1, checker 0',
      'energy of vehicle v2: analytics nothing, checker 2',
      'explained energy of session s9: analytics 1, checker 0',
    ]);
  });
});
