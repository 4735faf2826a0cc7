import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsNumber, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { CommonRpcPatterns, type HealthReport } from '@chargeflow/contracts';
import { RequestId } from '../src/api/request-id.decorator';
import { BackendClient } from '../src/backend/backend.client';
import { DeviceBound } from '../src/auth/device-bound.decorator';
import { RoleSets } from '../src/auth/role-policy';
import { Roles } from '../src/auth/roles.decorator';

class SampleFixture {
  @IsString()
  vehicleId!: string;

  @IsNumber()
  energyWh!: number;
}

class SamplesFixture {
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SampleFixture)
  samples!: SampleFixture[];
}

class NoteFixture {
  @IsString()
  text!: string;

  @IsOptional()
  @IsString()
  tag?: string;
}

/**
 * Routes shaped like the v1 resources the gateway fronts (device telemetry, a POST command, a read
 * that needs a backend service), so the gateway's own rules can be tested before those exist.
 */
@Controller('v1/fixtures')
class FixtureController {
  private notes = 0;

  constructor(private readonly backend: BackendClient) {}

  @Post('telemetry')
  @HttpCode(202)
  @Roles(...RoleSets.telemetryIngest)
  @DeviceBound()
  ingest(@Body() batch: SamplesFixture): { accepted: number } {
    return { accepted: batch.samples.length };
  }

  @Post('notes')
  @Roles(...RoleSets.sessionCommands)
  note(@Body() note: NoteFixture): { number: number; text: string } {
    this.notes += 1;
    return { number: this.notes, text: note.text };
  }

  @Get('sessions-health')
  @Roles(...RoleSets.reads)
  sessionsHealth(@RequestId() requestId: string): Promise<HealthReport> {
    return this.backend.call<HealthReport>('sessions', CommonRpcPatterns.health, {}, requestId);
  }
}

@Module({ controllers: [FixtureController], providers: [BackendClient] })
export class FixtureRoutesModule {}
