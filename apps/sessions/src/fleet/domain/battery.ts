import Decimal from 'decimal.js';
import type { SessionKind } from '@chargeflow/contracts';
import { BatteryOverfilledError } from './fleet.errors';

/**
 * A vehicle's battery: its level never leaves [0, capacity]. A finalized ride takes its energy out
 * (floor 0), a finalized charge puts its energy in (capped at capacity); nothing else changes it.
 */
export class Battery {
  private constructor(
    readonly capacityWh: Decimal,
    readonly energyWh: Decimal,
  ) {}

  static of(capacityWh: Decimal.Value, energyWh: Decimal.Value): Battery {
    const capacity = new Decimal(capacityWh);
    const energy = new Decimal(energyWh);
    if (energy.greaterThan(capacity)) throw new BatteryOverfilledError(energy.toFixed(), capacity.toFixed());
    return new Battery(capacity, energy);
  }

  get freeCapacityWh(): Decimal {
    return this.capacityWh.minus(this.energyWh);
  }

  afterSession(kind: SessionKind, sessionEnergyWh: Decimal.Value): Battery {
    const energy = new Decimal(sessionEnergyWh);
    const level =
      kind === 'RIDE'
        ? Decimal.max(0, this.energyWh.minus(energy))
        : Decimal.min(this.capacityWh, this.energyWh.plus(energy));
    return new Battery(this.capacityWh, level);
  }

  withCapacity(capacityWh: Decimal.Value): Battery {
    return Battery.of(capacityWh, this.energyWh);
  }
}
