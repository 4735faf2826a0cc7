/** Exact decimals travel as strings (`"1234.567"`); JSON numbers would round through binary floats. */
export type DecimalString = string;

export const DECIMAL_PATTERN = /^-?\d{1,15}(\.\d{1,6})?$/;
