import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from '@chargeflow/contracts';

/** The ids and instant every resource's examples share, so the examples of one route match another's. */
export const EXAMPLE = {
  vehicleId: '7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77',
  riderId: '0b8e5d2a-6f1c-4e3b-9a7d-2c4f6e8a1b3d',
  stationId: '5c2a9e7f-3b1d-4f6a-8e2c-7d9b1a3c5e4f',
  sessionId: '9a1c3e5f-7b2d-4c6e-8f1a-3b5d7c9e2a4f',
  telemetryId: '2f4a6c8e-1b3d-4e5f-9a7c-8e6d4b2a1c3f',
  tokenId: '6e8a0c2e-4b6d-4f8a-9c1e-3a5b7d9f1e2c',
  instant: '2026-11-22T08:30:00.000Z',
} as const;

export const uuid = (example: string, description?: string): ApiPropertyOptions => ({
  type: String,
  format: 'uuid',
  example,
  description,
});

export const nullable = (options: ApiPropertyOptions): ApiPropertyOptions =>
  ({ ...options, nullable: true }) as ApiPropertyOptions;

/**
 * `request` with the `?limit=&cursor=` of every list documented. Like every documented contract
 * request, it uses `declare` fields: they carry the docs without redefining the field at runtime, so
 * the contract's validation and transformation apply unchanged.
 */
export function PageQueryOf<T extends Type<PageRequest>>(request: T) {
  class PageQuery extends request {
    @ApiPropertyOptional({ type: Number, minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, example: 50 })
    declare limit?: number;

    @ApiPropertyOptional({
      type: String,
      description: 'The `nextCursor` of the previous page.',
      example: 'WyIyMDI2LTExLTIyVDA4OjMwOjAwLjAwMFoiLCI5YTFjIl0',
    })
    declare cursor?: string;
  }
  return PageQuery;
}

/** The documented shape of every list: `{ items, nextCursor }`, named for OpenAPI's components. */
export function pageOf(item: Type, name: string): Type {
  class Page {
    @ApiProperty({ type: [item] })
    items!: unknown[];

    @ApiProperty(
      nullable({ type: String, description: 'Pass as `cursor` for the next page; null on the last.', example: null }),
    )
    nextCursor!: string | null;
  }
  Object.defineProperty(Page, 'name', { value: name });
  return Page;
}
