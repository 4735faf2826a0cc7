import { flushesPerRequest } from './wal-flushes';

describe('WAL flushes per request', () => {
  it('divides the flushes between two readings by the requests, and times them when the server did', () => {
    expect(flushesPerRequest({ count: 100, ms: 50 }, { count: 500, ms: 650 }, 200)).toEqual({
      perRequest: 2,
      meanMs: 1.5,
    });
  });

  it('has no mean when the server does not time its flushes, or flushed nothing', () => {
    expect(flushesPerRequest({ count: 100, ms: 0 }, { count: 300, ms: 0 }, 100)).toEqual({
      perRequest: 2,
      meanMs: null,
    });
    expect(flushesPerRequest({ count: 7, ms: 3 }, { count: 7, ms: 3 }, 0)).toEqual({ perRequest: 0, meanMs: null });
  });
});
