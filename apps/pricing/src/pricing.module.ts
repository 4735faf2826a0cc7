import { Module, type DynamicModule } from '@nestjs/common';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { BillingRpcController } from './billing/billing.rpc.controller';
import { BillingRepository } from './billing/infrastructure/billing.repository';
import { LegacyTimeZones } from './billing/infrastructure/legacy-time-zones';
import { VerificationRepository } from './billing/infrastructure/verification.repository';
import { PriceFinalizedSessionHandler } from './billing/price-session/price-finalized-session.handler';
import { SessionFinalizedConsumer } from './billing/price-session/session-finalized.consumer';
import { SWEEP_INTERVAL_MS, UnpricedSweep } from './billing/sweep-unpriced/unpriced-sweep';
import { VerificationRunner, VERIFY_PAGE_SIZE } from './billing/verify-billing/verification-runner';
import { VerifyBillingHandler } from './billing/verify-billing/verify-billing.handler';
import { TariffRepository } from './tariff/infrastructure/tariff.repository';
import { ManageTariffsHandler } from './tariff/manage-tariffs/manage-tariffs.handler';
import { OPERATOR_TIME_ZONE, QuoteSessionHandler } from './tariff/quote-session/quote-session.handler';
import { TariffRpcController } from './tariff/tariff.rpc.controller';

/** Records recomputed per page of a verification: one committed progress step. */
const VERIFY_PAGE = 500;

/**
 * Tariffs in immutable versions, and billing records derived from finalized sessions with them:
 * quotes, statements and verification use the same engine.
 */
@Module({})
export class PricingModule {
  static register(options: { operatorTimeZone: string; sweepIntervalMs: number }): DynamicModule {
    return {
      module: PricingModule,
      controllers: [TariffRpcController, BillingRpcController],
      providers: [
        TariffRepository,
        ManageTariffsHandler,
        QuoteSessionHandler,
        BillingRepository,
        PriceFinalizedSessionHandler,
        SessionFinalizedConsumer,
        UnpricedSweep,
        LegacyTimeZones,
        VerificationRepository,
        VerificationRunner,
        VerifyBillingHandler,
        { provide: OPERATOR_TIME_ZONE, useValue: options.operatorTimeZone },
        { provide: SWEEP_INTERVAL_MS, useValue: options.sweepIntervalMs },
        { provide: VERIFY_PAGE_SIZE, useValue: VERIFY_PAGE },
        {
          provide: RpcClient,
          useFactory: (connection: AmqpConnection) => RpcClient.create(connection),
          inject: [AmqpConnection],
        },
      ],
    };
  }
}
