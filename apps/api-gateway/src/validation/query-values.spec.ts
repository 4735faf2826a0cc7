import { plainToInstance } from 'class-transformer';
import { IsBoolean, IsOptional, validateSync } from 'class-validator';
import { PageQuery } from './page.query';
import { QueryBoolean } from './query-values';

class FlagQuery {
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  includeRevoked?: boolean;
}

const flags = (value: string) => plainToInstance(FlagQuery, { includeRevoked: value });
const page = (query: Record<string, string>) => plainToInstance(PageQuery, query);

describe('strict query values', () => {
  it('reads "true" and "false" as they say, and nothing else as a boolean', () => {
    expect(flags('true').includeRevoked).toBe(true);
    expect(flags('false').includeRevoked).toBe(false);
    for (const loose of ['1', '0', 'yes', 'FALSE', '']) expect(validateSync(flags(loose))).not.toHaveLength(0);
  });

  it('caps the page size and refuses numbers that are not plain integers', () => {
    expect(page({})).toMatchObject({ limit: 50 });
    expect(page({ limit: '1000', cursor: 'abc' })).toMatchObject({ limit: 1000, cursor: 'abc' });
    expect(validateSync(page({ limit: '1000' }))).toHaveLength(0);
    for (const limit of ['1001', '0', '1e3', '10.5', 'ten', ' 5'])
      expect(validateSync(page({ limit }))).not.toHaveLength(0);
  });
});
