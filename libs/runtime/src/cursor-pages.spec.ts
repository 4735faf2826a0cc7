import { decodeCursor, encodeCursor, InvalidCursorError, toPage } from './cursor-pages';

const ID = '9a1c3e5f-7b2d-4c6e-8f1a-3b5d7c9e2a4f';
const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursor pages', () => {
  it('keeps the instant to the microsecond, as PostgreSQL stores it', () => {
    const position = { at: '2026-12-01T22:18:34.123456Z', id: ID };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('hands out the position of the last row of a page, and none after the last page', () => {
    const rows = [1, 2, 3].map((n) => ({ n, at: `2026-12-01T22:18:34.12345${n}Z` }));
    const page = toPage(
      rows,
      2,
      (row) => ({ at: row.at, id: ID }),
      (row) => row.n,
    );
    expect(page.items).toEqual([1, 2]);
    expect(decodeCursor(page.nextCursor ?? undefined)?.at).toBe('2026-12-01T22:18:34.123452Z');
    expect(
      toPage(
        rows,
        3,
        (row) => ({ at: row.at, id: ID }),
        (row) => row.n,
      ).nextCursor,
    ).toBeNull();
  });

  it('reads no cursor (absent or empty) as the first page', () => {
    expect(decodeCursor(undefined)).toBeNull();
    expect(decodeCursor('')).toBeNull();
  });

  it.each([
    ['not base64url', 'a b'],
    ['not JSON', Buffer.from('[').toString('base64url')],
    ['not a pair', raw(['2026-12-01T22:18:34.123456Z'])],
    ['an object', raw({ at: '2026-12-01T22:18:34.123456Z', id: ID })],
    ['a number as instant', raw([1764627514123, ID])],
    ['a day that does not exist', raw(['2026-02-30T10:00:00.000000Z', ID])],
    ['an hour that does not exist', raw(['2026-12-01T24:00:00.000000Z', ID])],
    ['an instant with an offset', raw(['2026-12-01T22:18:34.123456+01:00', ID])],
    ['more than microseconds', raw(['2026-12-01T22:18:34.1234567Z', ID])],
    ['year zero', raw(['0000-01-01T00:00:00.000000Z', ID])],
    ['an id that is not a UUID', raw(['2026-12-01T22:18:34.123456Z', "x' OR 1=1"])],
  ])('refuses %s as INVALID_CURSOR', (_case, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
  });
});
