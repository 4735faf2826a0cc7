import { Module, type DynamicModule } from '@nestjs/common';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { BillingRpcController } from './billing/billing.rpc.controller';
import { BillingRepository } from './billing/infrastructure/billing.repository';
import { PriceFinalizedSessionHandler } from './billing/price-session/price-finalized-session.handler';
import { SessionFinalizedConsumer } from './billing/price-session/session-finalized.consumer';
import { VerifyBillingHandler } from './billing/verify-billing/verify-billing.handler';
import { TariffRepository } from './tariff/infrastructure/tariff.repository';
import { ManageTariffsHandler } from './tariff/manage-tariffs/manage-tariffs.handler';
import { OPERATOR_TIME_ZONE, QuoteSessionHandler } from './tariff/quote-session/quote-session.handler';
import { TariffRpcController } from './tariff/tariff.rpc.controller';

/**
 * Tariffs in immutable versions, and billing records derived from finalized sessions with them:
 * quotes, statements and verification use the same engine.
 */
@Module({})
export class PricingModule {
  static register(operatorTimeZone: string): DynamicModule {
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
        VerifyBillingHandler,
        { provide: OPERATOR_TIME_ZONE, useValue: operatorTimeZone },
        {
          provide: RpcClient,
          useFactory: (connection: AmqpConnection) => RpcClient.create(connection),
          inject: [AmqpConnection],
        },
      ],
    };
  }
}
