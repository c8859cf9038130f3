import { ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { DomainError } from './domain-error';

/** One reason a field was refused; `field` is a dotted path (`items.0.amount`). */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** The request is well-formed but some fields are unacceptable (422). */
export class ValidationError extends DomainError {
  readonly code: string = 'validation_failed';
  readonly status = 422;

  constructor(
    readonly errors: FieldError[],
    detail = 'The request has invalid fields.',
  ) {
    super(detail, { errors });
  }
}

/**
 * The global pipe: strips unknown properties and refuses them, converts to the DTO
 * classes, and reports every failed constraint as a field error.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ValidationError(fieldErrorsFrom(errors)),
  });
}

/** Flattens class-validator's tree of errors into one entry per failed constraint. */
export function fieldErrorsFrom(errors: ClassValidatorError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      code: constraintCode(constraint, error.contexts?.[constraint]),
      message,
    }));
    return [...own, ...fieldErrorsFrom(error.children ?? [], field)];
  });
}

/**
 * A decorator may name its code through `context: { code }`; otherwise the
 * constraint's name in snake case (`isNotEmpty` → `is_not_empty`).
 */
function constraintCode(constraint: string, context: unknown): string {
  const named = (context as { code?: unknown } | undefined)?.code;
  if (typeof named === 'string') return named;
  if (constraint === 'whitelistValidation') return 'unknown_field';
  return constraint.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
