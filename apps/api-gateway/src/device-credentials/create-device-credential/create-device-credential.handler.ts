import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TELEMETRY_ROUTING } from '@chargeflow/contracts';
import { ProblemException } from '../../problem/problem';
import {
  CreatedDeviceCredential,
  DeviceCredentialView,
  type CreateDeviceCredentialRequest,
} from '../device-credential.dto';
import { BrokerUsersClient } from '../infrastructure/broker-users.client';
import { DeviceCredentialRepository } from '../infrastructure/device-credential.repository';

/**
 * Issues a device its own broker user. The row comes first (it reserves the username against a
 * concurrent request); if the broker refuses, the row goes again and nothing is issued.
 */
@Injectable()
export class CreateDeviceCredentialHandler {
  constructor(
    private readonly credentials: DeviceCredentialRepository,
    private readonly brokerUsers: BrokerUsersClient,
  ) {}

  async execute(request: CreateDeviceCredentialRequest): Promise<CreatedDeviceCredential> {
    const { vehicleId, stationId } = request;
    if ((vehicleId === undefined) === (stationId === undefined)) {
      throw new ProblemException('VALIDATION_FAILED', 'exactly one of vehicleId and stationId is required', {
        errors: [{ field: 'vehicleId', message: 'exactly one of vehicleId and stationId is required' }],
      });
    }
    // No ':' in the name: MQTT reads `vhost:user` from it.
    const [username, routingKey] = vehicleId
      ? [`vehicle.${vehicleId.toLowerCase()}`, TELEMETRY_ROUTING.vehicleSample(vehicleId.toLowerCase())]
      : [
          `station.${(stationId as string).toLowerCase()}`,
          TELEMETRY_ROUTING.stationMeter((stationId as string).toLowerCase()),
        ];
    const credential = await this.credentials.insert({
      id: randomUUID(),
      username,
      vehicleId: vehicleId?.toLowerCase() ?? null,
      stationId: stationId?.toLowerCase() ?? null,
    });
    if (!credential) {
      throw new ProblemException('DEVICE_CREDENTIAL_EXISTS', `${username} already has broker credentials`);
    }
    const password = randomBytes(24).toString('base64url');
    try {
      await this.brokerUsers.grant({ username, password, routingKey });
    } catch (error) {
      await this.brokerUsers.revoke(username).catch(() => undefined);
      await this.credentials.remove(credential.id);
      throw error;
    }
    return {
      ...DeviceCredentialView.of(credential),
      password,
      mqttUsername: this.brokerUsers.mqttUsernameOf(username),
    };
  }
}
