import { flushesPerRequest } from './wal-flushes';

describe('WAL flushes per request', () => {
  it('divides the flushes between two readings by the requests, with their mean duration', () => {
    expect(flushesPerRequest({ count: 100, ms: 50, timed: true }, { count: 500, ms: 650, timed: true }, 200)).toEqual({
      perRequest: 2,
      meanMs: 1.5,
    });
  });

  it('has no mean when the server does not time its flushes, or flushed nothing', () => {
    expect(flushesPerRequest({ count: 100, ms: 0, timed: false }, { count: 300, ms: 0, timed: false }, 100)).toEqual({
      perRequest: 2,
      meanMs: null,
    });
    expect(flushesPerRequest({ count: 7, ms: 3, timed: true }, { count: 7, ms: 3, timed: true }, 10)).toEqual({
      perRequest: 0,
      meanMs: null,
    });
  });
});
