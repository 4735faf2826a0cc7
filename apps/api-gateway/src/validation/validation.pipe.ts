import { ValidationPipe } from '@nestjs/common';
import { fieldErrorsOf } from '@chargeflow/messaging';
import { ProblemException } from '../problem/problem';

/**
 * Every body, query and parameter DTO: unknown fields refused, no implicit conversion (a query's
 * "false" never becomes true), and a 400 problem listing each offending field.
 */
export function gatewayValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const fieldErrors = fieldErrorsOf(errors);
      return new ProblemException(
        'VALIDATION_FAILED',
        `the request is invalid: ${fieldErrors.map((error) => error.message).join('; ')}`,
        {
          errors: fieldErrors,
        },
      );
    },
  });
}
