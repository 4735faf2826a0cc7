import { Module, type DynamicModule } from '@nestjs/common';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { LedgerModule } from '../ledger/ledger.module';
import { PARKED_SAMPLES } from '../ledger/seal-session/parked-samples';
import { INGEST_LANES, INGEST_RULES, IngestSamplesHandler } from './ingest-samples/ingest-samples.handler';
import { SessionDirectory } from './ingest-samples/session-directory';
import { IngestRepository } from './infrastructure/ingest.repository';
import { TelemetryReadsRepository } from './infrastructure/telemetry-reads.repository';
import { PARKED_RETRY_MS, ParkedSamplesRetrier } from './retry-parked-samples/parked-samples.retrier';
import { SAMPLE_BATCH_SIZE, SampleIngestConsumer } from './sample-ingest.consumer';
import { TelemetryReadsRpcController } from './telemetry-reads.rpc.controller';

/** Device samples: validated, counted once into their session's ledger, or refused with a reason. */
@Module({})
export class IngestModule {
  static register(options: {
    batchSize: number;
    lanes: number;
    clockSkewMs: number;
    parkedRetryMs: number;
  }): DynamicModule {
    return {
      module: IngestModule,
      // Global for the parked samples, which the ledger's seal judges first: the ledger module is
      // imported here, and importing this one back would take a forward reference.
      global: true,
      imports: [LedgerModule],
      controllers: [TelemetryReadsRpcController],
      providers: [
        IngestRepository,
        TelemetryReadsRepository,
        IngestSamplesHandler,
        SessionDirectory,
        SampleIngestConsumer,
        ParkedSamplesRetrier,
        { provide: SAMPLE_BATCH_SIZE, useValue: options.batchSize },
        { provide: INGEST_LANES, useValue: options.lanes },
        { provide: INGEST_RULES, useValue: { clockSkewMs: options.clockSkewMs } },
        { provide: PARKED_RETRY_MS, useValue: options.parkedRetryMs },
        { provide: PARKED_SAMPLES, useExisting: ParkedSamplesRetrier },
        {
          provide: RpcClient,
          useFactory: (connection: AmqpConnection) => RpcClient.create(connection),
          inject: [AmqpConnection],
        },
      ],
      exports: [PARKED_SAMPLES],
    };
  }
}
