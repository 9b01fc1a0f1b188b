import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

export const MAX_ID = 2_147_483_647;

/** Parses a positive integer id (as a number or a decimal string); anything else is undefined. */
export function toId(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 1 && value <= MAX_ID ? value : undefined;
  if (typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value)) {
    const n = Number(value);
    return n <= MAX_ID ? n : undefined;
  }
  return undefined;
}

/** Path ids must be positive integers: anything else is a 400, never a lookup. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: { data?: string }): number {
    const id = toId(value);
    if (id === undefined)
      throw new BadRequestException(`${metadata.data ?? 'id'} must be a positive integer`);
    return id;
  }
}
