import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ApiKeysController } from './api-keys.controller';
import { CreateApiKeyHandler } from './create-api-key/create-api-key.handler';
import { RevokeApiKeyHandler } from './revoke-api-key/revoke-api-key.handler';

@Module({
  imports: [AuthModule],
  controllers: [ApiKeysController],
  providers: [CreateApiKeyHandler, RevokeApiKeyHandler],
})
export class ApiKeysModule {}
