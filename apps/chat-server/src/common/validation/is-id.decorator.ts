import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_ID, toId } from '../pipes/parse-id.pipe';

/**
 * An id field that accepts a number or a decimal string (the basic API sends ids as strings)
 * and ends up a positive integer. With `{ each: true }`, every item of an array field.
 */
export function IsId(options: { each?: boolean } = {}) {
  const each = options.each === true;
  const message = ({ property }: { property: string }) =>
    each ? `${property} must hold positive integer ids` : `${property} must be a positive integer id`;
  return applyDecorators(
    Transform(({ value }) =>
      each && Array.isArray(value) ? value.map((v: unknown) => toId(v) ?? v) : (toId(value) ?? value),
    ),
    IsInt({ each, message }),
    Min(1, { each, message }),
    Max(MAX_ID, { each, message }),
  );
}
