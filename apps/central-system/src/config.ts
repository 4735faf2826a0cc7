import { Type } from 'class-transformer';
import { IsInt, IsIP, IsUrl, Max, Min } from 'class-validator';
import { DEFAULT_CENTRAL_SYSTEM_PORT, defaultDatabaseUrl } from '@chargeflow/contracts';
import { OutboxServiceConfig, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';

export class CentralSystemConfig extends OutboxServiceConfig {
  @IsUrl(POSTGRES_URL)
  CENTRAL_SYSTEM_DATABASE_URL = defaultDatabaseUrl('central-system');

  /** Where charge points connect: ws://<host>:<port>/ocpp/<chargePointId>. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65_535)
  CENTRAL_SYSTEM_PORT = DEFAULT_CENTRAL_SYSTEM_PORT;

  @IsIP()
  CENTRAL_SYSTEM_HOST = '127.0.0.1';

  /** The Heartbeat interval a BootNotification's answer asks for, in seconds. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(86_400)
  OCPP_HEARTBEAT_INTERVAL_S = 300;

  /** How long a remote command waits for the charge point's answer; below the gateway's RPC_TIMEOUT_MS. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  OCPP_COMMAND_TIMEOUT_MS = 3_000;

  /**
   * How long an attempt to end a stopped transaction's charge holds it before another may take it
   * (the instance making it may have died); above the longest an attempt takes, about 35 s.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  OCPP_CHARGE_END_LEASE_MS = 60_000;
}

export function loadCentralSystemConfig(env: NodeJS.ProcessEnv = process.env): CentralSystemConfig {
  return loadConfig(CentralSystemConfig, env, ['RABBITMQ_URL', 'CENTRAL_SYSTEM_DATABASE_URL']);
}
