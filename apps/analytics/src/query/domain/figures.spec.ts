import { addKindFigures, addRevenueFigures, metricOf, noFigures, rankGroups, summaryOf, type Figures } from './figures';

function figuresOf(rides: [number, string][], charges: [number, string][], priced = 0): Figures {
  const figures = noFigures();
  for (const [durationS, energyWh] of rides) {
    addKindFigures(figures, {
      kind: 'RIDE',
      sessions: '1',
      priced: '0',
      energyWh,
      distanceM: '10.5',
      durationS: `${durationS}`,
    });
  }
  for (const [durationS, energyWh] of charges) {
    addKindFigures(figures, {
      kind: 'CHARGING',
      sessions: '1',
      priced: `${priced}`,
      energyWh,
      distanceM: '0',
      durationS: `${durationS}`,
    });
  }
  return figures;
}

describe('exact sums and averages', () => {
  it('rounds averages to 3 decimals half to even and durations to whole seconds half to even', () => {
    // rides: (0.0005 + 1) / 2 = 0.50025 -> 0.500; charges: 2.0015 -> 2.002 (half to even)
    const summary = summaryOf(
      'a',
      'b',
      figuresOf(
        [
          [1, '0.0005'],
          [2, '1'],
        ],
        [[2, '2.0015']],
      ),
    );
    expect(summary.averages.energyPerRideWh).toBe('0.500');
    expect(summary.averages.energyPerChargeWh).toBe('2.002');
    // (1 + 2 + 2) / 3 = 1.667 -> 2; distance 21 / 3 = 7
    expect(summary.averages.durationS).toBe(2);
    expect(summary.averages.distanceM).toBe('7.000');
    expect(summary.energyConsumedWh).toBe('1.0005');
    expect(summary.durationS).toBe(5);
  });

  it('rounds a duration exactly halfway to the even second', () => {
    expect(
      summaryOf(
        'a',
        'b',
        figuresOf(
          [
            [1, '0'],
            [4, '0'],
          ],
          [],
        ),
      ).averages.durationS,
    ).toBe(2);
    expect(
      summaryOf(
        'a',
        'b',
        figuresOf(
          [
            [3, '0'],
            [4, '0'],
          ],
          [],
        ),
      ).averages.durationS,
    ).toBe(4);
  });

  it('has no average where there is nothing to average', () => {
    const { averages } = summaryOf('a', 'b', noFigures());
    expect(averages).toEqual({
      energyPerRideWh: null,
      energyPerChargeWh: null,
      durationS: null,
      distanceM: null,
      revenuePerSession: [],
    });
  });

  it('sums revenue per currency exactly and averages it to cents half to even', () => {
    const figures = figuresOf([], [[60, '1000']], 1);
    addRevenueFigures(figures, { currency: 'EUR', sessions: '3', exclVat: '1.00', vat: '0.19', inclVat: '0.10' });
    addRevenueFigures(figures, { currency: 'EUR', sessions: '1', exclVat: '0.50', vat: '0.095', inclVat: '0.05' });
    const summary = summaryOf('a', 'b', figures);
    expect(summary.revenue).toEqual([{ currency: 'EUR', exclVat: '1.50', vat: '0.285', inclVat: '0.15' }]);
    // 0.15 / 4 = 0.0375 -> 0.04
    expect(summary.averages.revenuePerSession).toEqual([{ currency: 'EUR', inclVat: '0.04' }]);
    expect(metricOf(figures, 'revenueInclVat', 'EUR')).toBe('0.15');
    expect(metricOf(figures, 'revenueInclVat', 'USD')).toBe('0.00');
    expect(metricOf(figures, 'unpricedSessions', null)).toBe(0);
    expect(metricOf(figures, 'pricedSessions', null)).toBe(1);
  });

  it('ranks groups by energy consumed plus charged, then by id, leaving out groups without sessions', () => {
    const windows = [
      new Map([
        ['b', figuresOf([[1, '5']], [])],
        ['a', figuresOf([], [[1, '5']])],
        ['c', figuresOf([[1, '7']], [])],
        ['empty', noFigures()],
      ]),
    ];
    expect(rankGroups(windows)).toEqual([
      { id: 'c', energyWh: '7' },
      { id: 'a', energyWh: '5' },
      { id: 'b', energyWh: '5' },
    ]);
  });
});
