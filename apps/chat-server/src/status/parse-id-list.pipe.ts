import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { toId } from '../common/pipes/parse-id.pipe';

/**
 * A query list of ids, `?userIds=1,2,3` (or the parameter repeated): at least one, at most
 * `max`, every item a positive integer; anything else is a 400.
 */
@Injectable()
export class ParseIdListPipe implements PipeTransform<unknown, number[]> {
  constructor(private readonly max: number) {}

  transform(value: unknown, metadata: { data?: string }): number[] {
    const name = metadata.data ?? 'ids';
    const parts = (Array.isArray(value) ? value : [value]).flatMap((v) =>
      typeof v === 'string' ? v.split(',') : [v],
    );
    if (value === undefined || value === '' || !parts.length)
      throw new BadRequestException(`${name} is required: a comma-separated list of user ids`);
    const ids = parts.map((p) => toId(typeof p === 'string' ? p.trim() : p));
    if (ids.some((id) => id === undefined))
      throw new BadRequestException(`${name} must be a comma-separated list of positive integer ids`);
    const unique = [...new Set(ids as number[])];
    if (unique.length > this.max) throw new BadRequestException(`${name} must hold at most ${this.max} ids`);
    return unique;
  }
}
