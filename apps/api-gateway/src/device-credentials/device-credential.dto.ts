import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import type { DeviceCredential } from './infrastructure/device-credential.repository';

export class CreateDeviceCredentialRequest {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The vehicle (exactly one of vehicleId and stationId).',
    example: '7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77',
  })
  @IsOptional()
  @IsUUID()
  vehicleId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The station (exactly one of vehicleId and stationId).',
    example: null,
  })
  @IsOptional()
  @IsUUID()
  stationId?: string;
}

export class DeviceCredentialView {
  @ApiProperty({ format: 'uuid', example: '0b8e6a52-1f3d-4c77-9e2a-5d4c3b2a1f00' })
  id!: string;

  @ApiProperty({
    description: 'The broker user: `vehicle.<vehicleId>` or `station.<stationId>`.',
    example: 'vehicle.7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77',
  })
  username!: string;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: '7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77' })
  vehicleId!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: null })
  stationId!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-06-01T09:30:00.000Z' })
  createdAt!: string;

  static of(credential: DeviceCredential): DeviceCredentialView {
    return {
      id: credential.id,
      username: credential.username,
      vehicleId: credential.vehicleId,
      stationId: credential.stationId,
      createdAt: credential.createdAt.toISOString(),
    };
  }
}

export class CreatedDeviceCredential extends DeviceCredentialView {
  @ApiProperty({
    description: 'The broker password. Shown this once: the gateway does not keep it.',
    example: 'Xq3v9ZkVb2m8R0tLwA7yPq4sD1fG6hJ9',
  })
  password!: string;

  @ApiProperty({
    description:
      "The user name to give over MQTT: `<virtual host>:<username>`, the virtual host of the broker URL the gateway runs with. RabbitMQ's MQTT plugin reads the virtual host from it, so MQTT publishes land where the user was granted whatever the plugin's default virtual host (`mqtt.vhost`) is.",
    example: '/:vehicle.7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77',
  })
  mqttUsername!: string;
}

export class DeviceCredentialPage {
  @ApiProperty({ type: [DeviceCredentialView] })
  items!: DeviceCredentialView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last.',
    example: null,
  })
  nextCursor!: string | null;
}
