import { registerReading, UnreadableMeterValue } from './meter-reading';

const at = '2026-12-01T10:00:00.000Z';

describe('the energy register of a MeterValue', () => {
  it('reads a value without measurand or unit as the register in Wh', () => {
    expect(registerReading({ timestamp: at, sampledValue: [{ value: '1500' }] })).toEqual({
      at: new Date(at),
      wh: '1500',
    });
  });

  it('converts kWh to Wh exactly, without binary floats', () => {
    const reading = registerReading({
      timestamp: at,
      sampledValue: [{ value: '12.3456789', measurand: 'Energy.Active.Import.Register', unit: 'kWh' }],
    });
    expect(reading?.wh).toBe('12345.6789');
    expect(registerReading({ timestamp: at, sampledValue: [{ value: '0.1', unit: 'kWh' }] })?.wh).toBe('100');
  });

  it('sums the phases only when no total is given', () => {
    const phases = [
      { value: '100.1', phase: 'L1' },
      { value: '200.2', phase: 'L2' },
      { value: '300.3', phase: 'L3' },
    ];
    expect(registerReading({ timestamp: at, sampledValue: phases })?.wh).toBe('600.6');
    expect(registerReading({ timestamp: at, sampledValue: [...phases, { value: '601' }] })?.wh).toBe('601');
  });

  it('has no reading when only other measurands are given, and leaves those out of every sum', () => {
    const others = [
      { value: '7200', measurand: 'Power.Active.Import', unit: 'W' },
      { value: '16', measurand: 'Current.Import', unit: 'A', phase: 'L1' },
      { value: '80', measurand: 'SoC', unit: 'Percent' },
    ];
    expect(registerReading({ timestamp: at, sampledValue: others })).toBeNull();
    expect(registerReading({ timestamp: at, sampledValue: [...others, { value: '42', unit: 'Wh' }] })?.wh).toBe('42');
  });

  it('refuses, with a reason, what is not a plain energy reading', () => {
    for (const sampledValue of [
      [{ value: '-5' }],
      [{ value: '1e3' }],
      [{ value: 'abc' }],
      [{ value: '5', unit: 'W' }],
      [{ value: 'AbCd==', format: 'SignedData' }],
      [{ value: '5' }, { value: '6' }],
    ]) {
      expect(() => registerReading({ timestamp: at, sampledValue })).toThrow(UnreadableMeterValue);
    }
    expect(() => registerReading({ timestamp: 'yesterday', sampledValue: [{ value: '1' }] })).toThrow(
      UnreadableMeterValue,
    );
  });
});
