import { Module } from '@nestjs/common';
import { BackendClient } from '../backend/backend.client';

/** The v1 REST resources, each answered by the service that owns it. */
@Module({
  controllers: [],
  providers: [BackendClient],
})
export class ApiModule {}
