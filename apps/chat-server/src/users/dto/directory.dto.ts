import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { STATUS_VALUES, StatusValue } from '../../status/user-status.entity';

export const DIRECTORY_DEFAULT_SIZE = 20;
export const DIRECTORY_MAX_SIZE = 50;
const SIZE_MESSAGE = `size must be an integer from 1 to ${DIRECTORY_MAX_SIZE}`;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d{1,10}$/.test(value) ? Number(value) : value;

/** `GET /api/v1/users/directory` query (EXTENSIONS.md §9). */
export class DirectoryQueryDto {
  @ApiPropertyOptional({
    example: 'al',
    description: 'Usernames starting with this, any case; empty: everyone',
  })
  @IsOptional()
  @IsString({ message: 'q must be a string' })
  @MaxLength(32, { message: 'q must be at most 32 characters' })
  q?: string;

  @ApiPropertyOptional({ example: DIRECTORY_DEFAULT_SIZE, minimum: 1, maximum: DIRECTORY_MAX_SIZE })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: SIZE_MESSAGE })
  @Min(1, { message: SIZE_MESSAGE })
  @Max(DIRECTORY_MAX_SIZE, { message: SIZE_MESSAGE })
  size?: number;

  @ApiPropertyOptional({ example: 'alice', description: 'The last username of the previous page' })
  @IsOptional()
  @IsString({ message: 'after must be a string' })
  @MaxLength(32, { message: 'after must be at most 32 characters' })
  after?: string;
}

/** One person in the directory: never an e-mail or roles. */
export class DirectoryEntryDto {
  @ApiProperty({ example: 7 }) id!: number;
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ example: 'online', enum: STATUS_VALUES }) status!: StatusValue;
}
