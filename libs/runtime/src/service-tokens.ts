/** Injection tokens every service's modules may ask for. */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const PINO_LOGGER = Symbol('PINO_LOGGER');
