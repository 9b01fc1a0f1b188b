import { Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import { BlocksService, MAX_BLOCKS } from './blocks.service';
import { BlockedUserDto } from './dto/block.dto';

/** `/api/v1/users/me/blocks`: the caller's blocked users (docs/API-DECISIONS.md, "Blocking"). */
@ApiTags('v1 users')
@ApiBearerAuth()
@Controller('api/v1/users/me/blocks')
export class BlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Get()
  @ApiOperation({ summary: `The users the caller blocked, oldest first (at most ${MAX_BLOCKS})` })
  @ApiOkResponse({ type: BlockedUserDto, isArray: true })
  list(@CurrentUser() caller: Principal): Promise<BlockedUserDto[]> {
    return this.blocks.list(caller);
  }

  @Put(':userId')
  @ApiOperation({
    summary:
      'Block a user (idempotent): it can no longer open a direct message with the caller nor cause it notifications',
  })
  @ApiOkResponse({ type: BlockedUserDto })
  block(
    @CurrentUser() caller: Principal,
    @Param('userId', ParseIdPipe) userId: number,
  ): Promise<BlockedUserDto> {
    return this.blocks.block(caller, userId);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unblock a user (idempotent)' })
  @ApiNoContentResponse({ description: 'Not blocked (any more)' })
  async unblock(
    @CurrentUser() caller: Principal,
    @Param('userId', ParseIdPipe) userId: number,
  ): Promise<void> {
    await this.blocks.unblock(caller, userId);
  }
}
