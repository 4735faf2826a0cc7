import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import {
  CreateTariffRequest,
  GetTariffRequest,
  ListTariffsRequest,
  PublishTariffRequest,
  QuoteRequest,
  TariffRpc,
  type Page,
  type TariffView,
} from '@chargeflow/contracts';
import { decodeCursor, pageSize, toPage } from '@chargeflow/runtime';
import type { BillingRecord } from './domain/tariff-pricing';
import { TariffRepository, toTariffView } from './infrastructure/tariff.repository';
import { ManageTariffsHandler } from './manage-tariffs/manage-tariffs.handler';
import { QuoteSessionHandler } from './quote-session/quote-session.handler';

@Controller()
export class TariffRpcController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tariffs: TariffRepository,
    private readonly manage: ManageTariffsHandler,
    private readonly quoteSession: QuoteSessionHandler,
  ) {}

  @MessagePattern(TariffRpc.create)
  create(@Payload() request: CreateTariffRequest): Promise<TariffView> {
    return this.manage.create(request);
  }

  @MessagePattern(TariffRpc.publish)
  publish(@Payload() request: PublishTariffRequest): Promise<TariffView> {
    return this.manage.publish(request);
  }

  /** The tariff at its latest version, with the list of all its versions. */
  @MessagePattern(TariffRpc.get)
  get(@Payload() request: GetTariffRequest): Promise<TariffView> {
    return this.manage.view(request.id);
  }

  @MessagePattern(TariffRpc.list)
  async list(@Payload() request: ListTariffsRequest): Promise<Page<TariffView>> {
    const limit = pageSize(request.limit);
    const rows = await this.tariffs.list(this.dataSource.manager, decodeCursor(request.cursor), limit);
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.cursorAt, id: row.id }),
      (row) => toTariffView(row, []),
    );
  }

  @MessagePattern(TariffRpc.quote)
  quote(@Payload() request: QuoteRequest): Promise<BillingRecord> {
    return this.quoteSession.execute(request);
  }
}
