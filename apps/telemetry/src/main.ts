import { runService } from '@chargeflow/runtime';
import { AppModule } from './app.module';
import { loadTelemetryConfig } from './config';

void runService({ service: 'telemetry', loadConfig: loadTelemetryConfig, appModule: AppModule.register });
