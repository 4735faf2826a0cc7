import { Module, type DynamicModule } from '@nestjs/common';
import { TariffRepository } from './infrastructure/tariff.repository';
import { ManageTariffsHandler } from './manage-tariffs/manage-tariffs.handler';
import { OPERATOR_TIME_ZONE, QuoteSessionHandler } from './quote-session/quote-session.handler';
import { TariffRpcController } from './tariff.rpc.controller';

/** Tariffs: OCPI documents in immutable versions, and quotes priced by the tariff engine. */
@Module({})
export class TariffModule {
  static register(operatorTimeZone: string): DynamicModule {
    return {
      module: TariffModule,
      controllers: [TariffRpcController],
      providers: [TariffRepository, ManageTariffsHandler, QuoteSessionHandler, { provide: OPERATOR_TIME_ZONE, useValue: operatorTimeZone }],
    };
  }
}
