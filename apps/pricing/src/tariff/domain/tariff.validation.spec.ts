import type { Tariff } from './tariff';
import { TariffInvalidError } from './tariff.errors';
import { decimalOfJsonNumber } from './tariff-numbers';
import { parseTariff, validateTariff } from './tariff.validation';
import { aTariff, anElement, energy, parking, time } from './tariff.test-builders';

/** A tariff document as it may arrive: anything goes. */
const aDocument = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...aTariff(),
  ...overrides,
});
const withRestrictions = (restrictions: Record<string, unknown>) =>
  aDocument({ elements: [{ price_components: [energy('0.30')], restrictions }] });
const withComponent = (component: Record<string, unknown>) =>
  aDocument({ elements: [{ price_components: [component] }] });
const fields = (document: unknown, context: { timeZone?: string } = {}) =>
  validateTariff(document, context).map((error) => error.field);

describe('validateTariff', () => {
  it('accepts a tariff using every feature', () => {
    const tariff: Tariff = aTariff({
      elements: [
        anElement([energy('0.25', { vat: '21', step_size: 1000 }), time('1.20', { vat: '21', step_size: 60 })], {
          start_time: '22:00',
          end_time: '06:00',
          start_date: '2026-01-01',
          end_date: '2027-01-01',
          day_of_week: ['SATURDAY', 'SUNDAY'],
          min_kwh: '0',
          max_kwh: '50.5',
          min_power: '0',
          max_power: '22',
          min_duration: 0,
          max_duration: 7200,
        }),
        anElement([energy('0.35', { vat: '21' }), parking('2', { vat: '21', step_size: 300 })]),
      ],
      min_price: { excl_vat: '0.50', incl_vat: '0.61' },
      max_price: { excl_vat: '50.00' },
    });
    expect(validateTariff(tariff, { timeZone: 'Europe/Amsterdam' })).toEqual([]);
    expect(parseTariff(tariff)).toEqual(tariff);
  });

  it.each<[string, unknown, { timeZone?: string }?]>([
    ['tariff', 'not a tariff'],
    ['id', aDocument({ id: '' })],
    ['version', aDocument({ version: 0 })],
    ['currency', aDocument({ currency: 'XAU' })],
    ['currency', aDocument({ currency: undefined })],
    ['timeZone', aDocument(), { timeZone: 'Europe/Atlantis' }],
    ['appliesTo.kind', aDocument({ appliesTo: { kind: 'FLIGHT' } })],
    ['elements', aDocument({ elements: [] })],
    ['elements[0].price_components', aDocument({ elements: [{ price_components: [] }] })],
    ['elements[0].price_components[0].type', withComponent({ type: 'RESERVATION', price: '1', step_size: 1 })],
    ['elements[0].price_components[0].price', withComponent({ type: 'ENERGY', price: '-0.30', step_size: 1 })],
    [
      'elements[0].price_components[0].price',
      withComponent({ type: 'ENERGY', price: 0.30000000000000004, step_size: 1 }),
    ],
    ['elements[0].price_components[0].price', withComponent({ type: 'ENERGY', price: 1e16, step_size: 1 })],
    ['elements[0].price_components[0].price', withComponent({ type: 'ENERGY', price: -0.3, step_size: 1 })],
    ['elements[0].price_components[0].vat', withComponent({ type: 'ENERGY', price: 0.3, vat: 1e-10, step_size: 1 })],
    ['elements[0].price_components[0].vat', withComponent({ type: 'ENERGY', price: '0.30', vat: '121', step_size: 1 })],
    ['elements[0].price_components[0].step_size', withComponent({ type: 'ENERGY', price: '0.30', step_size: 0 })],
    ['elements[0].price_components[0].step_size', withComponent({ type: 'ENERGY', price: '0.30', step_size: -5 })],
    ['elements[0].price_components[0].step_size', withComponent({ type: 'ENERGY', price: '0.30', step_size: 1.5 })],
    [
      'elements[0].price_components[0].type',
      aDocument({ appliesTo: { kind: 'RIDE' }, elements: [anElement([parking('2')])] }),
    ],
    ['elements[0].restrictions.start_time', withRestrictions({ start_time: '24:00' })],
    ['elements[0].restrictions.end_time', withRestrictions({ end_time: '7:30' })],
    ['elements[0].restrictions.end_time', withRestrictions({ start_time: '08:00', end_time: '08:00' })],
    ['elements[0].restrictions.start_date', withRestrictions({ start_date: '2026-02-30' })],
    ['elements[0].restrictions.end_date', withRestrictions({ end_date: '01-01-2027' })],
    ['elements[0].restrictions.end_date', withRestrictions({ start_date: '2026-06-01', end_date: '2026-06-01' })],
    ['elements[0].restrictions.day_of_week[1]', withRestrictions({ day_of_week: ['MONDAY', 'FUNDAY'] })],
    ['elements[0].restrictions.day_of_week', withRestrictions({ day_of_week: 'MONDAY' })],
    ['elements[0].restrictions.min_kwh', withRestrictions({ min_kwh: '-1' })],
    ['elements[0].restrictions.max_kwh', withRestrictions({ min_kwh: '5', max_kwh: '5' })],
    ['elements[0].restrictions.max_power', withRestrictions({ max_power: 'fast' })],
    ['elements[0].restrictions.min_duration', withRestrictions({ min_duration: 1.5 })],
    ['elements[0].restrictions.max_duration', withRestrictions({ min_duration: 600, max_duration: 60 })],
    ['elements[0].restrictions.max_current', withRestrictions({ min_current: 32, max_current: 16 })],
    ['elements[0].restrictions.min_current', withRestrictions({ min_current: 'sixteen' })],
    ['elements[0].restrictions.reservation', withRestrictions({ reservation: 'ALWAYS' })],
    ['elements[0].restrictions.min_voltage', withRestrictions({ min_voltage: 230 })],
    ['min_price', aDocument({ min_price: { excl_vat: '5.00' }, max_price: { excl_vat: '4.00' } })],
    ['min_price.excl_vat', aDocument({ min_price: { excl_vat: '0.505' } })],
    ['max_price.incl_vat', aDocument({ max_price: { excl_vat: '4.00', incl_vat: '3.00' } })],
  ])('names %s', (field, document, context = {}) => {
    expect(fields(document, context)).toEqual([field]);
  });

  it('accepts min_price and max_price on a tariff with several VAT rates (the adjustment is shared over them)', () => {
    const document = aDocument({
      elements: [anElement([energy('0.30', { vat: '21' }), time('1', { vat: '9' })])],
      min_price: { excl_vat: '1.00' },
      max_price: { excl_vat: '9.00' },
    });
    expect(fields(document)).toEqual([]);
  });

  it('lists every bad field at once', () => {
    expect(fields(aDocument({ currency: 'XXX', elements: [anElement([energy('-1', { step_size: 0 })])] }))).toEqual([
      'currency',
      'elements[0].price_components[0].price',
      'elements[0].price_components[0].step_size',
    ]);
  });

  it('throws them as one TariffInvalidError, ready for a problem+json answer', () => {
    const parsing = () => parseTariff(aDocument({ currency: 'XAU' }));
    expect(parsing).toThrow(TariffInvalidError);
    try {
      parsing();
    } catch (error) {
      expect((error as TariffInvalidError).toRpcError()).toMatchObject({
        kind: 'UNPROCESSABLE',
        code: 'TARIFF_INVALID',
        errors: [{ field: 'currency', message: expect.any(String) }],
      });
    }
  });
});

describe('OCPI JSON numbers', () => {
  it.each<[number, string]>([
    [0.1, '0.1'],
    [0.25, '0.25'],
    [1e-9, '0.000000001'],
    [21, '21'],
    [0.3, '0.3'],
    [123456789012345, '123456789012345'],
  ])('takes %p exactly as the decimal %p, its shortest form, not its binary value', (number, decimal) => {
    expect(decimalOfJsonNumber(number)).toBe(decimal);
    const parsed = parseTariff(
      withComponent({ type: 'ENERGY', price: number, vat: number <= 100 ? number : 0, step_size: 1 }),
    );
    expect(parsed.elements[0].price_components[0].price).toBe(decimal);
  });

  it('refuses 0.30000000000000004: its shortest form has 17 decimals, more than 9', () => {
    expect(decimalOfJsonNumber(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(validateTariff(withComponent({ type: 'ENERGY', price: 0.1 + 0.2, step_size: 1 }))).toEqual([
      { field: 'elements[0].price_components[0].price', message: expect.stringContaining('9 decimals') },
    ]);
  });

  it('converts every OCPI decimal field and answers them all as strings', () => {
    const parsed = parseTariff(
      aDocument({
        elements: [
          {
            price_components: [{ type: 'ENERGY', price: 0.25, vat: 21, step_size: 1 }],
            restrictions: { min_kwh: 0.5, max_kwh: 50, min_power: 0, max_power: 11.1, min_current: 6, max_current: 32 },
          },
        ],
        min_price: { excl_vat: 0.5, incl_vat: 0.61 },
        max_price: { excl_vat: 20, incl_vat: 24.2 },
      }),
    );
    expect(parsed.elements[0]).toEqual({
      price_components: [{ type: 'ENERGY', price: '0.25', vat: '21', step_size: 1 }],
      restrictions: {
        min_kwh: '0.5',
        max_kwh: '50',
        min_power: '0',
        max_power: '11.1',
        min_current: '6',
        max_current: '32',
      },
    });
    expect([parsed.min_price, parsed.max_price]).toEqual([
      { excl_vat: '0.5', incl_vat: '0.61' },
      { excl_vat: '20', incl_vat: '24.2' },
    ]);
  });

  it('keeps the restrictions it cannot evaluate (current, reservation) instead of refusing the tariff', () => {
    const document = withRestrictions({ max_current: 16, reservation: 'RESERVATION' });
    expect(validateTariff(document)).toEqual([]);
    expect(parseTariff(document).elements[0].restrictions).toEqual({ max_current: '16', reservation: 'RESERVATION' });
  });
});
