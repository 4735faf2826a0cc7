import { chargePointPasswordMatches, hashChargePointPassword } from './charge-point-password';

describe('a charge point password', () => {
  it('is stored as a salted scrypt hash that names its cost and never contains the password', async () => {
    const stored = await hashChargePointPassword('correct-horse-battery');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(stored).not.toContain('correct-horse-battery');
    expect(await hashChargePointPassword('correct-horse-battery')).not.toBe(stored);
  });

  it('matches only the password it was hashed from', async () => {
    const stored = await hashChargePointPassword('correct-horse-battery');
    expect(await chargePointPasswordMatches('correct-horse-battery', stored)).toBe(true);
    expect(await chargePointPasswordMatches('correct-horse-batterz', stored)).toBe(false);
    expect(await chargePointPasswordMatches('', stored)).toBe(false);
    expect(await chargePointPasswordMatches('correct-horse-battery', 'plain-text')).toBe(false);
  });
});
