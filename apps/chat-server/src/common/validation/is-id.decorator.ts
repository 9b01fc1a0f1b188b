import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_ID, toId } from '../pipes/parse-id.pipe';

/**
 * An id field that accepts a number or a decimal string (the basic API sends ids as strings)
 * and ends up a positive integer.
 */
export function IsId() {
  return applyDecorators(
    Transform(({ value }) => toId(value) ?? value),
    IsInt({ message: ({ property }) => `${property} must be a positive integer id` }),
    Min(1, { message: ({ property }) => `${property} must be a positive integer id` }),
    Max(MAX_ID, { message: ({ property }) => `${property} must be a positive integer id` }),
  );
}
