import { Injectable } from '@nestjs/common';
import { EndSessionHandler } from '../end-session';

/** Ends a ride with the energy and distance its telemetry sealed; that energy leaves the vehicle's battery. */
@Injectable()
export class EndRideHandler extends EndSessionHandler {
  protected readonly kind = 'RIDE';
}
