import { windowValuesOf } from './window-values';

describe('a group’s window values from its parts', () => {
  it('writes a window of one part as its metric writes it, without parsing it', () => {
    expect(windowValuesOf('0 120.500;1 3.000;2 0.000;3 -7.25', 'decimal', 4, '0')).toEqual([
      '120.5',
      '3',
      '0',
      '-7.25',
    ]);
    expect(windowValuesOf('0 12.5;1 12;2 0.125;3 0.000;4 7.10', 'money', 5, '0.00')).toEqual([
      '12.50',
      '12.00',
      '0.125',
      '0.00',
      '7.10',
    ]);
    expect(windowValuesOf('0 4;5 0;7 -2', 'integer', 8, 0)).toEqual([4, 0, 0, 0, 0, 0, 0, -2]);
  });

  it('adds the parts of a window exactly, a bucket taken back included', () => {
    expect(windowValuesOf('3 1000.125;3 0.000000000000000001;4 5;3 -0.125', 'decimal', 5, '0')).toEqual([
      '0',
      '0',
      '0',
      '1000.000000000000000001',
      '5',
    ]);
    expect(windowValuesOf('1 99999999999999999.99;1 0.01;2 5.5;2 -5.5', 'money', 3, '0.00')).toEqual([
      '0.00',
      '100000000000000000.00',
      '0.00',
    ]);
    expect(windowValuesOf('0 10;0 -3;0 1', 'integer', 1, 0)).toEqual([8]);
  });

  it('gives each window from a packed run’s first its element, beside the other parts of the window', () => {
    expect(windowValuesOf('1:{10.500,0,2.25};0 -1;3 7;1 0.5', 'decimal', 5, '0')).toEqual([
      '-1',
      '11',
      '0',
      '9.25',
      '0',
    ]);
    expect(windowValuesOf('0 1;2:{4};0:{5,6}', 'integer', 3, 0)).toEqual([6, 6, 4]);
    expect(windowValuesOf('0:{1.5,0}', 'money', 2, '0.00')).toEqual(['1.50', '0.00']);
  });

  it('gives every window without parts the metric’s zero', () => {
    expect(windowValuesOf(null, 'decimal', 3, '0')).toEqual(['0', '0', '0']);
    expect(windowValuesOf('1 2', 'integer', 3, 0)).toEqual([0, 2, 0]);
  });
});
