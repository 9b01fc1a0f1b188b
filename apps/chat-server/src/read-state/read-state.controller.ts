import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import { MarkReadDto, ReaderDto, ReadStateDto, UnreadItemDto } from './dto/read-state.dto';
import { ReadStateService } from './read-state.service';

/** v1 read state: markers, unread summary, readers of a message (EXTENSIONS.md §1). */
@ApiTags('v1 read state')
@ApiBearerAuth()
@Controller('api/v1')
export class ReadStateController {
  constructor(private readonly readState: ReadStateService) {}

  @Put('rooms/:roomId/read')
  @ApiOperation({
    summary: "Move the caller's read marker forward (members only; default: the room's newest message)",
  })
  @ApiOkResponse({ type: ReadStateDto })
  markRead(
    @CurrentUser() caller: Principal,
    @Param('roomId', ParseIdPipe) roomId: number,
    @Body() dto: MarkReadDto,
  ): Promise<ReadStateDto> {
    return this.readState.markRead(caller, roomId, dto.messageId);
  }

  @Get('rooms/unread')
  @ApiOperation({ summary: "Unread and mention counts of each of the caller's rooms, by room id" })
  @ApiOkResponse({ type: UnreadItemDto, isArray: true })
  unread(@CurrentUser() caller: Principal): Promise<UnreadItemDto[]> {
    return this.readState.unread(caller);
  }

  @Get('messages/:id/readers')
  @ApiOperation({ summary: 'Members (other than the sender) whose marker is at or after a message' })
  @ApiOkResponse({ type: ReaderDto, isArray: true })
  readers(@CurrentUser() caller: Principal, @Param('id', ParseIdPipe) id: number): Promise<ReaderDto[]> {
    return this.readState.readers(caller, id);
  }
}

/** Basic surface: `PUT /api/messages/{conversationId}/read`, same body and answer as v1. */
@ApiTags('basic messages')
@ApiBearerAuth()
@Controller('api/messages')
export class BasicReadStateController {
  constructor(private readonly readState: ReadStateService) {}

  @Put(':conversationId/read')
  @ApiOperation({ summary: "Move the caller's read marker of a conversation forward (members only)" })
  @ApiOkResponse({ type: ReadStateDto })
  markRead(
    @CurrentUser() caller: Principal,
    @Param('conversationId', ParseIdPipe) conversationId: number,
    @Body() dto: MarkReadDto,
  ): Promise<ReadStateDto> {
    return this.readState.markRead(caller, conversationId, dto.messageId);
  }
}
