import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn } from 'class-validator';
import { IsId } from '../../common/validation/is-id.decorator';
import { STATUS_VALUES, StatusValue } from '../user-status.entity';

/** Status values are case-insensitive on the way in (surrounding spaces ignored), lower-case out. */
export function toStatusValue(value: unknown): StatusValue | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return (STATUS_VALUES as readonly string[]).includes(v) ? (v as StatusValue) : undefined;
}

export const STATUS_MESSAGE = `status must be one of ${STATUS_VALUES.join(', ')}`;

export class SetStatusDto {
  @ApiProperty({ example: 1, description: 'A number, or a decimal string on the basic surface' })
  @IsId()
  userId!: number;

  @ApiProperty({ example: 'playing', enum: STATUS_VALUES, description: 'Case-insensitive' })
  @Transform(({ value }) => toStatusValue(value) ?? value)
  @IsIn(STATUS_VALUES, { message: STATUS_MESSAGE })
  status!: StatusValue;
}

/** A user's status as REST returns it. */
export class StatusDto {
  @ApiProperty({ example: 1 }) userId!: number;
  @ApiProperty({ example: 'online', enum: STATUS_VALUES }) status!: StatusValue;
  @ApiProperty({
    example: '2026-11-21T10:55:00.000Z',
    nullable: true,
    type: String,
    description: 'When it last changed; null for a user that never had a status (offline)',
  })
  updatedAt!: string | null;
}

/** The live event on `/topic/status`. */
export class StatusEventDto extends StatusDto {
  @ApiProperty({ example: 'user1' }) username!: string;
}
