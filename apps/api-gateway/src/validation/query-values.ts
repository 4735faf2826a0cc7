import { Transform } from 'class-transformer';
import { StrictInt } from '@chargeflow/contracts';

/** A query flag: exactly "true" or "false"; anything else stays a string and fails @IsBoolean. */
export const QueryBoolean = () =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

/** A query integer: the contracts' one rule, only plain decimal digits become a number; anything else fails @IsInt. */
export const QueryInt = StrictInt;
