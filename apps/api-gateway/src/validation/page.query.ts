import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@chargeflow/contracts';
import { QueryInt } from './query-values';

/** Cursor paging, as every list in the API pages: `?limit=&cursor=` in, `{ items, nextCursor }` out. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, example: 50 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({
    description: 'The `nextCursor` of the previous page.',
    example: 'WyIyMDI2LTExLTIyVDA4OjMwOjAwLjAwMFoiLCI5YTFjIl0',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}
