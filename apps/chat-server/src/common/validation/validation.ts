import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/** Field errors reported by one 400 at most; the message says how many more there were. */
export const MAX_REPORTED_ERRORS = 20;

/** A 400 that carries one entry per invalid field (the first {@link MAX_REPORTED_ERRORS}). */
export class ValidationFailedException extends BadRequestException {
  readonly errors: FieldError[];

  constructor(all: FieldError[]) {
    const errors = all.slice(0, MAX_REPORTED_ERRORS);
    const more = all.length - errors.length;
    super(
      errors.length === 1
        ? errors[0].message
        : `Validation failed: ${errors.map((e) => e.message).join('; ')}${more ? ` (and ${more} more)` : ''}`,
    );
    this.errors = errors;
  }
}

export function flattenValidationErrors(
  errors: ValidationError[],
  parent = '',
  out: FieldError[] = [],
): FieldError[] {
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    // Several constraints of one field may share a message (a pattern and its type check): each
    // problem is reported once.
    const messages = new Set(
      Object.values(error.constraints ?? {}).map((m) =>
        m.replace(/^property (\S+) should not exist$/, 'unknown field "$1"'),
      ),
    );
    for (const message of messages) out.push({ field, message });
    if (error.children?.length) flattenValidationErrors(error.children, field, out);
  }
  return out;
}

/**
 * ValidationPipe without its primitive conversion of single path/query parameters: with
 * `transform` it turns `@Param('id') id: number` into `+value`, so "01", "+1" or "0x10" reached
 * ParseIdPipe as the ids 1, 1 and 16. Parameters stay strings; their own pipes parse them strictly.
 */
class StrictValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown): unknown {
    return value;
  }
}

/** The one validation pipe: unknown fields are refused, values are transformed to their types. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedException(flattenValidationErrors(errors)),
  });
}
