import { runService } from '@chargeflow/runtime';
import { AppModule } from './app.module';
import { loadPricingConfig } from './config';

void runService({ service: 'pricing', loadConfig: loadPricingConfig, appModule: AppModule.register });
