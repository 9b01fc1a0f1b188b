import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsId } from '../../../common/validation/is-id.decorator';
import { DEFAULT_SEARCH_SIZE, MAX_QUERY_LENGTH, MAX_SEARCH_SIZE } from '../search.service';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d{1,10}$/.test(value) ? Number(value) : value;
const SIZE = `size must be an integer from 1 to ${MAX_SEARCH_SIZE}`;

/** `GET /api/v1/messages/search` (EXTENSIONS.md §6); `q`'s length rule lives in SearchService. */
export class SearchQueryDto {
  @ApiProperty({
    example: 'deploy fri* "release notes"',
    description: `1-${MAX_QUERY_LENGTH} characters after trimming: words (all required, any case), word* prefixes, "quoted phrases"`,
  })
  @IsString({ message: 'q must be a string' })
  q!: string;

  @ApiPropertyOptional({ example: 101, description: 'Only this room (its members, or an admin)' })
  @IsOptional()
  @IsId()
  roomId?: number;

  @ApiPropertyOptional({ example: 7, description: 'Only messages of this sender' })
  @IsOptional()
  @IsId()
  senderId?: number;

  @ApiPropertyOptional({
    example: 250,
    description: 'Only results older than this message id (the last one seen)',
  })
  @IsOptional()
  @IsId()
  before?: number;

  @ApiPropertyOptional({
    example: DEFAULT_SEARCH_SIZE,
    minimum: 1,
    maximum: MAX_SEARCH_SIZE,
    default: DEFAULT_SEARCH_SIZE,
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: SIZE })
  @Min(1, { message: SIZE })
  @Max(MAX_SEARCH_SIZE, { message: SIZE })
  size?: number;
}
