import { windowValuesOf } from './window-values';

describe('a group’s window values from its parts', () => {
  it('writes a window of one part as its metric writes it, without parsing it', () => {
    expect(windowValuesOf('0 120.500,1 3.000,2 0.000,3 -7.25', 'decimal')).toEqual({
      0: '120.5',
      1: '3',
      2: '0',
      3: '-7.25',
    });
    expect(windowValuesOf('0 12.5,1 12,2 0.125,3 0.000,4 7.10', 'money')).toEqual({
      0: '12.50',
      1: '12.00',
      2: '0.125',
      3: '0.00',
      4: '7.10',
    });
    expect(windowValuesOf('0 4,5 0,7 -2', 'integer')).toEqual({ 0: 4, 5: 0, 7: -2 });
  });

  it('adds the parts of a window exactly, a bucket taken back included', () => {
    expect(windowValuesOf('3 1000.125,3 0.000000000000000001,4 5,3 -0.125', 'decimal')).toEqual({
      3: '1000.000000000000000001',
      4: '5',
    });
    expect(windowValuesOf('1 99999999999999999.99,1 0.01,2 5.5,2 -5.5', 'money')).toEqual({
      1: '100000000000000000.00',
      2: '0.00',
    });
    expect(windowValuesOf('0 10,0 -3,0 1', 'integer')).toEqual({ 0: 8 });
  });

  it('has no windows without parts', () => {
    expect(windowValuesOf(null, 'decimal')).toEqual({});
  });
});
