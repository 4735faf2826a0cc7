import { Module } from '@nestjs/common';
import { AnalyticsEventsConsumer } from './apply-events/analytics-events.consumer';
import { ApplyEventHandler } from './apply-events/apply-event.handler';

/** The live projection: finalized sessions and their billing applied to facts and rollups as they arrive. */
@Module({
  providers: [ApplyEventHandler, AnalyticsEventsConsumer],
})
export class ProjectionModule {}
