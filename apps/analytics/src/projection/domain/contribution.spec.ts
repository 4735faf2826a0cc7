import Decimal from 'decimal.js';
import {
  batchEffects,
  bucketOf,
  contributionOf,
  merged,
  NIL_UUID,
  replacementOf,
  type ArrivingFact,
  type BillingFact,
  type Contribution,
  type SessionFact,
} from './contribution';

const aRide = (overrides: Partial<SessionFact> = {}): SessionFact => ({
  sessionId: '11111111-1111-4111-8111-111111111111',
  kind: 'RIDE',
  vehicleId: '22222222-2222-4222-8222-222222222222',
  riderId: '33333333-3333-4333-8333-333333333333',
  stationId: null,
  endedAt: new Date('2026-03-29T01:52:30.250Z'),
  durationS: 600,
  energyWh: '120.5',
  distanceM: '3000.25',
  ...overrides,
});

const aCharge = (overrides: Partial<SessionFact> = {}): SessionFact =>
  aRide({ kind: 'CHARGING', riderId: null, stationId: '44444444-4444-4444-8444-444444444444', ...overrides });

const priced = (overrides: Partial<BillingFact> = {}): BillingFact => ({
  revision: 2,
  status: 'PRICED',
  currency: 'EUR',
  totalExclVat: '10.00',
  totalVat: '1.90',
  totalInclVat: '11.90',
  ...overrides,
});

const unpriced: BillingFact = {
  revision: 1,
  status: 'UNPRICED',
  currency: null,
  totalExclVat: null,
  totalVat: null,
  totalInclVat: null,
};

describe('bucketOf', () => {
  const at = new Date('2026-03-29T01:52:30.250Z');

  it('floors to the UTC start of the 15-minute, hour, day and month bucket', () => {
    expect(bucketOf('15M', at).toISOString()).toBe('2026-03-29T01:45:00.000Z');
    expect(bucketOf('HOUR', at).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(bucketOf('DAY', at).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(bucketOf('MONTH', at).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('keeps an instant on an edge in the bucket it starts', () => {
    const edge = new Date('2026-12-31T23:45:00.000Z');
    expect(bucketOf('15M', edge).toISOString()).toBe('2026-12-31T23:45:00.000Z');
    expect(bucketOf('MONTH', edge).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('floors instants before 1970 downwards', () => {
    expect(bucketOf('15M', new Date('1969-12-31T23:59:59.999Z')).toISOString()).toBe('1969-12-31T23:45:00.000Z');
  });
});

describe('contributionOf', () => {
  it('counts a ride once per level in ALL, its vehicle and its rider, unpriced without billing', () => {
    const { rollups, revenue } = contributionOf(aRide(), null);
    expect(rollups).toHaveLength(12);
    expect(revenue).toEqual([]);
    expect(new Set(rollups.map((row) => row.dim))).toEqual(new Set(['ALL', 'VEHICLE', 'RIDER']));
    expect(rollups.find((row) => row.dim === 'ALL')?.dimId).toBe(NIL_UUID);
    for (const row of rollups) {
      expect(row).toMatchObject({ sessions: 1, priced: 0, durationS: 600, kind: 'RIDE' });
      expect(row.energyWh.toString()).toBe('120.5');
      expect(row.distanceM.toString()).toBe('3000.25');
    }
  });

  it('counts a charge in its station, and in its rider when it names one (an OCPP charge: the idTag’s rider)', () => {
    const rider = '55555555-5555-4555-8555-555555555555';
    const { rollups } = contributionOf(aCharge({ riderId: rider }), null);
    expect(new Set(rollups.map((row) => row.dim))).toEqual(new Set(['ALL', 'VEHICLE', 'STATION', 'RIDER']));
    expect(rollups.filter((row) => row.dim === 'RIDER').every((row) => row.dimId === rider)).toBe(true);
    const anonymous = contributionOf(aCharge({ riderId: null }), null).rollups;
    expect(new Set(anonymous.map((row) => row.dim))).toEqual(new Set(['ALL', 'VEHICLE', 'STATION']));
  });

  it('adds priced and revenue for a PRICED billing only', () => {
    expect(contributionOf(aRide(), unpriced).revenue).toEqual([]);
    const { rollups, revenue } = contributionOf(aRide(), priced());
    expect(rollups.every((row) => row.priced === 1)).toBe(true);
    expect(revenue).toHaveLength(12);
    expect(revenue[0]).toMatchObject({ currency: 'EUR', sessions: 1 });
    expect(revenue[0].inclVat.toString()).toBe('11.9');
  });

  it('sums exactly, without binary floats', () => {
    const sum = merged([
      contributionOf(aRide({ energyWh: '0.1' }), null),
      contributionOf(aRide({ energyWh: '0.2' }), null),
    ]);
    expect(sum.rollups.every((row) => row.energyWh.toString() === '0.3' && row.sessions === 2)).toBe(true);
  });
});

describe('merged', () => {
  it('gives every row in key order, whatever order the contributions came in, so writers lock rows alike', () => {
    const keys = (contribution: ReturnType<typeof merged>) =>
      contribution.rollups.map((row) => `${row.level}|${row.dim}|${row.dimId}|${row.kind}|${row.bucket.toISOString()}`);
    const early = contributionOf(aRide({ endedAt: new Date('2026-03-01T08:00:00Z') }), priced());
    const late = contributionOf(aCharge({ endedAt: new Date('2026-04-02T09:30:00Z') }), priced());
    const forwards = merged([early, late]);
    const backwards = merged([late, early]);
    expect(keys(forwards)).toEqual([...keys(forwards)].sort());
    expect(keys(backwards)).toEqual(keys(forwards));
    expect(backwards.revenue.map((row) => row.currency + row.dim + row.level)).toEqual(
      forwards.revenue.map((row) => row.currency + row.dim + row.level),
    );
  });
});

describe('replacementOf', () => {
  it('moves a session from unpriced to priced without counting it again', () => {
    const { rollups, revenue } = replacementOf(aRide(), unpriced, priced());
    expect(rollups).toHaveLength(12);
    for (const row of rollups) {
      expect(row).toMatchObject({ sessions: 0, priced: 1, durationS: 0 });
      expect(row.energyWh.isZero()).toBe(true);
    }
    expect(revenue.every((row) => row.sessions === 1 && row.exclVat.toString() === '10')).toBe(true);
  });

  it('replaces one price by another: only the revenue difference remains', () => {
    const { rollups, revenue } = replacementOf(aRide(), priced({ revision: 1 }), priced({ totalExclVat: '12.50' }));
    expect(rollups).toEqual([]);
    expect(revenue.every((row) => row.sessions === 0 && row.exclVat.toString() === '2.5' && row.vat.isZero())).toBe(
      true,
    );
  });

  it('takes the old currency back and adds the new one', () => {
    const { revenue } = replacementOf(aRide(), priced({ revision: 1, currency: 'CHF' }), priced());
    expect(revenue.filter((row) => row.currency === 'CHF').every((row) => row.sessions === -1)).toBe(true);
    expect(revenue.filter((row) => row.currency === 'EUR').every((row) => row.sessions === 1)).toBe(true);
  });
});

describe('batchEffects', () => {
  type Billing = BillingFact & { sessionId: string };
  type Fact = ArrivingFact<SessionFact, Billing>;
  const billingOf = (session: SessionFact, billing: BillingFact): Billing => ({
    ...billing,
    sessionId: session.sessionId,
  });
  const ride = aRide();
  const charge = aCharge({ sessionId: '55555555-5555-4555-8555-555555555555', energyWh: '7.25' });
  const otherRide = aRide({
    sessionId: '66666666-6666-4666-8666-666666666666',
    endedAt: new Date('2026-04-01T00:00:00Z'),
  });

  /** The same facts one at a time, each with what the ones before it left: the rule batchEffects must keep. */
  const oneByOne = (facts: Fact[], sessions = new Map<string, SessionFact>(), billings = new Map<string, Billing>()) =>
    merged(facts.map((fact) => batchEffects([fact], sessions, billings).contribution));
  /** The batch's figures in the ALL row of the month, summed over currencies. */
  const total = ({ rollups, revenue }: Contribution) => {
    const allMonth = <T extends { level: string; dim: string }>(rows: T[]) =>
      rows.filter((row) => row.level === 'MONTH' && row.dim === 'ALL');
    return {
      sessions: allMonth(rollups).reduce((sum, row) => sum + row.sessions, 0),
      priced: allMonth(rollups).reduce((sum, row) => sum + row.priced, 0),
      inclVat: allMonth(revenue)
        .reduce((sum, row) => sum.add(row.inclVat), new Decimal(0))
        .toFixed(2),
    };
  };

  it('counts a session once with the billing it has by then, whichever of the two comes first', () => {
    for (const facts of [
      [{ session: ride }, { billing: billingOf(ride, priced()) }],
      [{ billing: billingOf(ride, priced()) }, { session: ride }],
    ] as Fact[][]) {
      const effects = batchEffects(facts, new Map(), new Map());
      expect(effects.inserted).toEqual([ride]);
      expect(effects.stored).toEqual([billingOf(ride, priced())]);
      expect(effects.contribution).toEqual(merged([contributionOf(ride, priced())]));
    }
  });

  it('inserts a session delivered twice once, and skips one the database already keeps', () => {
    const effects = batchEffects(
      [{ session: ride }, { session: ride }, { session: charge }],
      new Map([[charge.sessionId, charge]]),
      new Map(),
    );
    expect(effects.inserted).toEqual([ride]);
    expect(effects.contribution).toEqual(merged([contributionOf(ride, null)]));
  });

  it('stores a newer revision over the kept one and ignores an older or equal one', () => {
    const kept = billingOf(ride, unpriced);
    const newer = billingOf(ride, priced({ revision: 3 }));
    const effects = batchEffects(
      [
        { billing: newer },
        { billing: billingOf(ride, priced({ revision: 2 })) },
        { billing: billingOf(ride, priced({ revision: 3, totalInclVat: '99.00' })) },
      ],
      new Map([[ride.sessionId, ride]]),
      new Map([[ride.sessionId, kept]]),
    );
    expect(effects.stored).toEqual([newer]);
    expect(effects.contribution).toEqual(replacementOf(ride, unpriced, priced({ revision: 3 })));
  });

  it('sums a mixed batch exactly as the same facts applied one at a time', () => {
    const facts: Fact[] = [
      { billing: billingOf(charge, unpriced) },
      { session: ride },
      { session: charge },
      { billing: billingOf(ride, unpriced) },
      { billing: billingOf(ride, priced({ revision: 2, currency: 'CHF' })) },
      { session: ride },
      { billing: billingOf(charge, priced({ revision: 4 })) },
      { billing: billingOf(otherRide, priced({ revision: 2 })) },
      { billing: billingOf(charge, priced({ revision: 3, totalInclVat: '50.00' })) },
    ];
    const known = () => ({
      sessions: new Map([[otherRide.sessionId, otherRide]]),
      billings: new Map([[otherRide.sessionId, billingOf(otherRide, unpriced)]]),
    });
    const before = known();
    const batch = batchEffects(facts, before.sessions, before.billings).contribution;
    const single = known();
    expect(batch).toEqual(oneByOne(facts, single.sessions, single.billings));
    expect(total(batch)).toEqual({ sessions: 2, priced: 3, inclVat: '35.70' });
  });
});
