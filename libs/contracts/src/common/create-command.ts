import { IsOptional, IsUUID } from 'class-validator';

// TypeScript accepts a class as a mixin base only with this constructor signature (any[]: see eslint.config.mjs).
type Request = new (...args: any[]) => object;

/**
 * The command behind a create, as the gateway sends it: the caller's request plus, when the caller
 * gave an Idempotency-Key, the `id` the new resource gets, derived from that key. An attempt whose
 * answer was lost (a 503 after the deadline) may have created the resource; its retry then finds it
 * instead of creating a second one. Without an id the service picks one.
 */
export function CreateCommandOf<T extends Request>(request: T) {
  class CreateCommand extends request {
    @IsOptional()
    @IsUUID()
    id?: string;
  }
  return CreateCommand;
}
