import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { decodeCursor, toPage } from '@chargeflow/runtime';
import { RoleSets } from '../auth/role-policy';
import { Roles } from '../auth/roles.decorator';
import { NotIdempotent } from '../idempotency/idempotent.decorator';
import { ApiProblems, type DocumentedProblem } from '../openapi/api-problems.decorator';
import { ProblemException } from '../problem/problem';
import { PageQuery } from '../validation/page.query';
import { CreateDeviceCredentialHandler } from './create-device-credential/create-device-credential.handler';
import { DeleteDeviceCredentialHandler } from './delete-device-credential/delete-device-credential.handler';
import {
  CreateDeviceCredentialRequest,
  CreatedDeviceCredential,
  DeviceCredentialPage,
  DeviceCredentialView,
} from './device-credential.dto';
import { DeviceCredentialRepository } from './infrastructure/device-credential.repository';

const uuid = new ParseUUIDPipe({
  version: '4',
  exceptionFactory: () =>
    new ProblemException('VALIDATION_FAILED', 'id must be a UUID', {
      errors: [{ field: 'id', message: 'id must be a UUID' }],
    }),
});

const BROKER_DOWN: DocumentedProblem = {
  code: 'BROKER_UNAVAILABLE',
  detail: 'the message broker cannot take the request now; try again',
};

@ApiTags('Device credentials')
@ApiBearerAuth()
@Roles(...RoleSets.deviceCredentials)
@Controller('v1/device-credentials')
export class DeviceCredentialsController {
  constructor(
    private readonly credentials: DeviceCredentialRepository,
    private readonly createCredential: CreateDeviceCredentialHandler,
    private readonly deleteCredential: DeleteDeviceCredentialHandler,
  ) {}

  @Post()
  @NotIdempotent('the password would have to be stored to be replayed; it is shown once only')
  @ApiOperation({
    summary: 'Issue broker credentials to a device',
    description:
      'A RabbitMQ user `vehicle.<id>` or `station.<id>` that may publish (AMQP or MQTT) only its own routing key on the `telemetry` exchange. The password is in this response only.',
  })
  @ApiCreatedResponse({ type: CreatedDeviceCredential })
  @ApiProblems(
    {
      code: 'DEVICE_CREDENTIAL_EXISTS',
      detail: 'vehicle.7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77 already has broker credentials',
    },
    BROKER_DOWN,
  )
  create(@Body() request: CreateDeviceCredentialRequest): Promise<CreatedDeviceCredential> {
    return this.createCredential.execute(request);
  }

  @Get()
  @ApiOperation({ summary: 'List device credentials', description: 'Newest first, without their passwords.' })
  @ApiOkResponse({ type: DeviceCredentialPage })
  async list(@Query() query: PageQuery): Promise<DeviceCredentialPage> {
    const rows = await this.credentials.list({ limit: query.limit, after: decodeCursor(query.cursor) });
    return toPage(rows, query.limit, (row) => ({ at: row.cursorAt, id: row.id }), DeviceCredentialView.of);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a device credential',
    description: 'Deletes the broker user and closes its open connections.',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(
    { code: 'DEVICE_CREDENTIAL_NOT_FOUND', detail: 'no device credential 0b8e6a52-1f3d-4c77-9e2a-5d4c3b2a1f00' },
    BROKER_DOWN,
  )
  remove(@Param('id', uuid) id: string): Promise<void> {
    return this.deleteCredential.execute(id);
  }
}
