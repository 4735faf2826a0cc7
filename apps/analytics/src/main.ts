import { runService } from '@chargeflow/runtime';
import { AppModule } from './app.module';
import { loadAnalyticsConfig } from './config';

void runService({ service: 'analytics', loadConfig: loadAnalyticsConfig, appModule: AppModule.register });
