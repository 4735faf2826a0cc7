import { Transform } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 1_000;
export const DEFAULT_PAGE_SIZE = 50;

/**
 * An integer that may arrive as query text: only plain decimal digits become a number, so `1e3`,
 * `0x10`, `10.5` and ` 5` stay text and fail `@IsInt` (no implicit conversion); numbers pass as they are.
 */
export const StrictInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value,
  );

/** Cursor pagination, the shape of every list in the API: `?limit=&cursor=` in, `{ items, nextCursor }` out. */
export class PageRequest {
  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** A page of a list filtered to the half-open period [from, to) of the list's own instant. */
export class PeriodPageRequest extends PageRequest {
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
