import { Controller, Delete, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import { ReactionsDto } from './dto/message-input.dto';
import { ReactionsService } from './reactions.service';

const EMOJI_PARAM = {
  name: 'emoji',
  description:
    'One emoji (percent-encoded; stored NFC without U+FE0F, at most 32 bytes) or a :shortcode: of 1-32 [a-z0-9_+-]',
  example: '%F0%9F%91%8D',
};

/** v1 reactions (EXTENSIONS.md §4): members and admins of the message's room; both idempotent. */
@ApiTags('v1 messages')
@ApiBearerAuth()
@Controller('api/v1/messages')
export class ReactionsController {
  constructor(private readonly reactions: ReactionsService) {}

  @Put(':id/reactions/:emoji')
  @ApiOperation({ summary: "Add the caller's reaction (idempotent)" })
  @ApiParam(EMOJI_PARAM)
  @ApiResponse({ status: 200, type: ReactionsDto })
  add(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Param('emoji') emoji: string,
  ): Promise<ReactionsDto> {
    return this.reactions.react(caller, id, emoji);
  }

  @Delete(':id/reactions/:emoji')
  @ApiOperation({ summary: "Remove the caller's reaction (idempotent)" })
  @ApiParam(EMOJI_PARAM)
  @ApiResponse({ status: 200, type: ReactionsDto })
  remove(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Param('emoji') emoji: string,
  ): Promise<ReactionsDto> {
    return this.reactions.react(caller, id, emoji, true);
  }
}
