import { runService } from '@chargeflow/runtime';
import { AppModule } from './app.module';
import { loadSessionsConfig } from './config';

void runService({ service: 'sessions', loadConfig: loadSessionsConfig, appModule: AppModule.register });
