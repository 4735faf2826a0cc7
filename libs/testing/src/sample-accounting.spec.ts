import { accountFor, accountingLine, type PublishedSample } from './sample-accounting';

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
    });
    expect(accountingLine('clean', accounting)).toBe(
      'clean: attempted 5, confirmed 4, indeterminate 1, counted 2, rejected {UNSTORABLE 1}, lost 0, duplicated 0, phantom 0, wrong sessions 0',
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
});
