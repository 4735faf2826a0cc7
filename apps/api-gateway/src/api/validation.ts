import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { IsUUID } from 'class-validator';
import { ProblemException } from '../problem/problem';

function fieldErrors(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * Strict request validation: unknown fields are refused, nothing is coerced implicitly (a string
 * "false" never becomes true), and each offending field is listed in the 400 problem.
 */
export const strictValidation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  exceptionFactory: (errors) => {
    const list = fieldErrors(errors);
    return new ProblemException(400, 'VALIDATION_FAILED', 'Bad request', list.map((error) => error.message).join('; '), { errors: list });
  },
});

export class IdParams {
  @IsUUID()
  id!: string;
}
