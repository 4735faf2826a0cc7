import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChargePointRpc, type ChargePointView } from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable } from '../../openapi/api-problems.decorator';
import { RequestId } from '../request-id.decorator';
import { ChargePointDocument, RegisterChargePointBody } from './charge-point.dto';

@ApiTags('Charge points')
@ApiBearerAuth()
@Controller('v1/charge-points')
export class ChargePointsController {
  constructor(private readonly backend: BackendClient) {}

  /** The charge point then connects over OCPP 1.6J with HTTP Basic auth: its id and this password. */
  @Post()
  @HttpCode(201)
  @Roles(...RoleSets.referenceDataWrites)
  @ApiOperation({ summary: 'Register an OCPP charge point' })
  @ApiCreatedResponse({ type: ChargePointDocument })
  @ApiProblems(
    { code: 'CHARGE_POINT_ALREADY_REGISTERED', detail: 'charge point CP-DEPOT-NORD-3 is already registered' },
    serviceUnavailable('central-system'),
  )
  register(@Body() body: RegisterChargePointBody, @RequestId() requestId: string): Promise<ChargePointView> {
    return this.backend.call('central-system', ChargePointRpc.register, body, requestId);
  }
}
