import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import { SetStatusDto, StatusDto } from './dto/status.dto';
import { ParseIdListPipe } from './parse-id-list.pipe';
import { MAX_BULK_STATUS_IDS, StatusService } from './status.service';

/** `/api/status` (see /api/docs) and `/api/v1/status`: one surface on both paths, plus a bulk read. */
@ApiTags('status')
@ApiBearerAuth()
@Controller(['api/v1/status', 'api/status'])
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Put()
  @ApiOperation({ summary: "Set a user's status (oneself, or anyone for an admin)" })
  @ApiOkResponse({ type: StatusDto })
  set(@CurrentUser() caller: Principal, @Body() dto: SetStatusDto): Promise<StatusDto> {
    return this.status.set(caller, dto.userId, dto.status);
  }

  @Get()
  @ApiOperation({
    summary:
      'Statuses of several users, one per id asked; an unknown id answers offline (never had a status)',
  })
  @ApiQuery({
    name: 'userIds',
    example: '1,2,3',
    description: `1-${MAX_BULK_STATUS_IDS} comma-separated ids`,
  })
  @ApiOkResponse({ type: StatusDto, isArray: true })
  getMany(
    @Query('userIds', new ParseIdListPipe(MAX_BULK_STATUS_IDS)) userIds: number[],
  ): Promise<StatusDto[]> {
    return this.status.getMany(userIds);
  }

  @Get(':userId')
  @ApiOperation({ summary: "A user's status (offline when it never had one)" })
  @ApiOkResponse({ type: StatusDto })
  get(@Param('userId', ParseIdPipe) userId: number): Promise<StatusDto> {
    return this.status.get(userId);
  }
}
