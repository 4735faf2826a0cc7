import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  EndSessionRequest,
  GetSessionRequest,
  ListSessionsRequest,
  SessionRpc,
  StartChargingAtConnectorCommand,
  StartChargingCommand,
  StartRideCommand,
  type StartedAtConnectorView,
  type Page,
  type SessionView,
} from '@chargeflow/contracts';
import { EndChargingHandler } from './end-charging/end-charging.handler';
import { EndRideHandler } from './end-ride/end-ride.handler';
import { QuerySessionsHandler } from './query-sessions/query-sessions.handler';
import { StartChargingAtConnectorHandler } from './start-charging-at-connector/start-charging-at-connector.handler';
import { StartChargingHandler } from './start-charging/start-charging.handler';
import { StartRideHandler } from './start-ride/start-ride.handler';

@Controller()
export class SessionRpcController {
  constructor(
    private readonly startRide: StartRideHandler,
    private readonly startCharging: StartChargingHandler,
    private readonly startChargingAtConnector: StartChargingAtConnectorHandler,
    private readonly endRide: EndRideHandler,
    private readonly endCharging: EndChargingHandler,
    private readonly query: QuerySessionsHandler,
  ) {}

  @MessagePattern(SessionRpc.startRide)
  onStartRide(@Payload() request: StartRideCommand): Promise<SessionView> {
    return this.startRide.execute(request);
  }

  @MessagePattern(SessionRpc.startCharging)
  onStartCharging(@Payload() request: StartChargingCommand): Promise<SessionView> {
    return this.startCharging.execute(request);
  }

  @MessagePattern(SessionRpc.startChargingAtConnector)
  onStartChargingAtConnector(@Payload() request: StartChargingAtConnectorCommand): Promise<StartedAtConnectorView> {
    return this.startChargingAtConnector.execute(request);
  }

  @MessagePattern(SessionRpc.end)
  onEnd(@Payload() request: EndSessionRequest): Promise<SessionView> {
    return (request.kind === 'RIDE' ? this.endRide : this.endCharging).execute(request.sessionId);
  }

  @MessagePattern(SessionRpc.get)
  onGet(@Payload() request: GetSessionRequest): Promise<SessionView> {
    return this.query.get(request.sessionId);
  }

  @MessagePattern(SessionRpc.list)
  onList(@Payload() request: ListSessionsRequest): Promise<Page<SessionView>> {
    return this.query.list(request);
  }
}
