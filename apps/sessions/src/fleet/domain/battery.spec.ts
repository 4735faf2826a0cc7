import { Battery } from './battery';
import { BatteryOverfilledError } from './fleet.errors';

describe('Battery', () => {
  it('refuses more energy than its capacity', () => {
    expect(() => Battery.of('500', '500.001')).toThrow(BatteryOverfilledError);
    expect(() => Battery.of('500', '400').withCapacity('399.999')).toThrow(BatteryOverfilledError);
  });

  it('loses a ride’s energy, never below empty', () => {
    expect(Battery.of('500', '400').afterSession('RIDE', '120.5').energyWh.toFixed()).toBe('279.5');
    expect(Battery.of('500', '100').afterSession('RIDE', '120.5').energyWh.toFixed()).toBe('0');
  });

  it('gains a charge’s energy, never above full', () => {
    expect(Battery.of('500', '100').afterSession('CHARGING', '0.1').energyWh.toFixed()).toBe('100.1');
    expect(Battery.of('500', '450').afterSession('CHARGING', '60').energyWh.toFixed()).toBe('500');
  });

  it('knows how much it can still take', () => {
    expect(Battery.of('500', '120.25').freeCapacityWh.toFixed()).toBe('379.75');
  });
});
