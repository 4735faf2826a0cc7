import { Injectable } from '@nestjs/common';
import { ProblemException } from '../../problem/problem';
import { BrokerUsersClient } from '../infrastructure/broker-users.client';
import { DeviceCredentialRepository } from '../infrastructure/device-credential.repository';

/** Removes a device's broker user and closes its connections; the row goes last, so a failure can be retried. */
@Injectable()
export class DeleteDeviceCredentialHandler {
  constructor(
    private readonly credentials: DeviceCredentialRepository,
    private readonly brokerUsers: BrokerUsersClient,
  ) {}

  async execute(id: string): Promise<void> {
    const credential = await this.credentials.find(id);
    if (!credential) throw new ProblemException('DEVICE_CREDENTIAL_NOT_FOUND', `no device credential ${id}`);
    await this.brokerUsers.revoke(credential.username);
    await this.credentials.remove(id);
  }
}
