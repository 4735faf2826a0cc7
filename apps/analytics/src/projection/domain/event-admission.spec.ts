import { billingRefusal, finalizedSessionRefusal } from './event-admission';

const ride = {
  startedAt: '2026-03-29T08:00:00.000Z',
  endedAt: '2026-03-29T10:30:00+02:00',
  energyWh: '120.5',
  distanceM: '0',
};

describe('what the projection admits beyond the event contracts', () => {
  it('admits a finalized session with offsets, in order, with no negative totals', () => {
    expect(finalizedSessionRefusal(ride)).toBeNull();
  });

  it.each([
    [{ endedAt: '2026-03-29T09:00:00' }, 'offset'],
    [{ startedAt: '2026-03-29T09:00:00.000Z', endedAt: '2026-03-29T08:59:59.999Z' }, 'before startedAt'],
    [{ endedAt: '20260329T103000Z' }, 'extended ISO 8601'],
    [{ startedAt: '2026-W13-7T08:00:00Z' }, 'extended ISO 8601'],
    [{ energyWh: '-5' }, 'negative'],
    [{ distanceM: '-0.5' }, 'negative'],
  ])('refuses %j, saying why', (change, reason) => {
    expect(finalizedSessionRefusal({ ...ride, ...change })).toContain(reason);
  });

  it('refuses billing whose instants name no offset', () => {
    expect(billingRefusal({ startedAt: ride.startedAt, endedAt: ride.endedAt })).toBeNull();
    expect(billingRefusal({ startedAt: '2026-03-29T08:00:00', endedAt: ride.endedAt })).toContain('offset');
    expect(billingRefusal({ startedAt: ride.startedAt, endedAt: '20260329T103000Z' })).toContain('ISO 8601');
  });
});
