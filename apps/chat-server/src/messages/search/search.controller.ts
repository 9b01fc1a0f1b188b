import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Principal } from '../../common/principal';
import { MessageView } from '../message-view';
import { SearchQueryDto } from './dto/search-query.dto';
import { SearchService } from './search.service';

/** v1 `GET /api/v1/messages/search` (EXTENSIONS.md §6). */
@ApiTags('v1 messages')
@ApiBearerAuth()
@Controller('api/v1/messages')
export class SearchController {
  constructor(private readonly searchService: SearchService) {}

  @Get('search')
  @ApiOperation({
    summary:
      "Full-text search of the caller's rooms (or one room: members, admins any), newest first; page on with before",
  })
  @ApiResponse({ status: 200, type: [MessageView] })
  search(@CurrentUser() caller: Principal, @Query() query: SearchQueryDto): Promise<MessageView[]> {
    return this.searchService.find(caller, query);
  }
}
