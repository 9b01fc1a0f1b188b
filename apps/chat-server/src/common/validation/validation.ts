import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/** A 400 that carries one entry per invalid field. */
export class ValidationFailedException extends BadRequestException {
  constructor(readonly errors: FieldError[]) {
    super(
      errors.length === 1
        ? errors[0].message
        : `Validation failed: ${errors.map((e) => e.message).join('; ')}`,
    );
  }
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
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
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
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
