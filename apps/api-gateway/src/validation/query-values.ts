import { Transform } from 'class-transformer';

/** A query flag: exactly "true" or "false"; anything else stays a string and fails @IsBoolean. */
export const QueryBoolean = () =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

/** A query integer: only plain decimal digits become a number; anything else fails @IsInt. */
export const QueryInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value,
  );
