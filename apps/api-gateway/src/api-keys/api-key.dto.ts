import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../validation/page.query';
import { QueryBoolean } from '../validation/query-values';
import { statusOf, type ApiKey, type ApiKeyStatus } from '../auth/api-key';
import { ApiRoles, type ApiRole } from '../auth/roles.decorator';

const REFERENCE_ID = /^[A-Za-z0-9._:-]+$/;

export class CreateApiKeyRequest {
  @ApiProperty({ example: 'depot-7 dispatch console', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: ApiRoles, example: 'operator' })
  @IsIn(ApiRoles)
  role!: ApiRole;

  @ApiPropertyOptional({
    description: 'Device keys only: the vehicle this key may post telemetry for.',
    example: '7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(REFERENCE_ID, { message: 'vehicleId may contain only letters, digits and . _ : -' })
  vehicleId?: string;

  @ApiPropertyOptional({
    description: 'Device keys only: the station this key may post telemetry for.',
    example: 'station-berlin-04',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(REFERENCE_ID, { message: 'stationId may contain only letters, digits and . _ : -' })
  stationId?: string;

  @ApiPropertyOptional({
    description: 'When the key stops working (ISO 8601, in the future). Never, when absent.',
    example: '2030-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  expiresAt?: string;
}

export class ListApiKeysQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Include revoked keys.', default: false, example: false })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  includeRevoked: boolean = false;
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid', example: '3f2b8c1d-9a4e-4f6b-8d2c-1e5a7b9c0d3f' })
  id!: string;

  @ApiProperty({ example: 'depot-7 dispatch console' })
  name!: string;

  @ApiProperty({ enum: ApiRoles, example: 'operator' })
  role!: ApiRole;

  @ApiProperty({ nullable: true, type: String, example: null })
  vehicleId!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  stationId!: string | null;

  @ApiProperty({ description: 'The first characters of the key, to recognise it.', example: 'cf_Q3x9Zk' })
  keyPrefix!: string;

  @ApiProperty({ enum: ['active', 'revoked', 'expired'], example: 'active' })
  status!: ApiKeyStatus;

  @ApiProperty({ format: 'date-time', example: '2025-06-01T09:30:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2030-01-01T00:00:00.000Z' })
  expiresAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  revokedAt!: string | null;

  static of(key: ApiKey): ApiKeyView {
    return {
      id: key.id,
      name: key.name,
      role: key.role,
      vehicleId: key.vehicleId,
      stationId: key.stationId,
      keyPrefix: key.keyPrefix,
      status: statusOf(key),
      createdAt: key.createdAt.toISOString(),
      expiresAt: key.expiresAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
    };
  }
}

export class CreatedApiKey extends ApiKeyView {
  @ApiProperty({
    description: 'The secret. Shown this once: only its hash is stored.',
    example: 'cf_Q3x9ZkVb2m8R0tLwA7yPq4sD1fG6hJ9kE5nC3xB0vZ2',
  })
  key!: string;
}

export class ApiKeyPage {
  @ApiProperty({ type: [ApiKeyView] })
  items!: ApiKeyView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last.',
    example: null,
  })
  nextCursor!: string | null;
}
