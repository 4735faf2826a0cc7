import { Injectable } from '@nestjs/common';
import { EndSessionHandler } from '../end-session';

/**
 * Ends a charge: a metered station's sealed energy, or an unmetered one's rated power over the time
 * it charged (never more than the battery had room for); that energy goes into the vehicle's battery.
 */
@Injectable()
export class EndChargingHandler extends EndSessionHandler {
  protected readonly kind = 'CHARGING';
}
