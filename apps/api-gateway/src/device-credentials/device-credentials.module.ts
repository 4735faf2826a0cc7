import { Module } from '@nestjs/common';
import { CreateDeviceCredentialHandler } from './create-device-credential/create-device-credential.handler';
import { DeleteDeviceCredentialHandler } from './delete-device-credential/delete-device-credential.handler';
import { DeviceCredentialsController } from './device-credentials.controller';
import { BrokerUsersClient } from './infrastructure/broker-users.client';
import { DeviceCredentialRepository } from './infrastructure/device-credential.repository';

/** Broker users of devices: each may publish only as itself. */
@Module({
  controllers: [DeviceCredentialsController],
  providers: [
    DeviceCredentialRepository,
    BrokerUsersClient,
    CreateDeviceCredentialHandler,
    DeleteDeviceCredentialHandler,
  ],
})
export class DeviceCredentialsModule {}
