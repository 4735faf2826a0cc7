/** The name of the unique index a statement violated, if that is why it failed. */
export function violatedUniqueIndex(error: unknown): string | null {
  const cause = (error as { driverError?: { code?: string; constraint?: string }; code?: string; constraint?: string }) ?? {};
  const driver = cause.driverError ?? cause;
  return driver.code === '23505' ? (driver.constraint ?? null) : null;
}
