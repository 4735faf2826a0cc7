import { runService } from '@chargeflow/runtime';
import { AppModule } from './app.module';
import { loadCentralSystemConfig } from './config';

void runService({ service: 'central-system', loadConfig: loadCentralSystemConfig, appModule: AppModule.register });
