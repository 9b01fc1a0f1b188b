import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { BasicReadStateController, ReadStateController } from './read-state.controller';
import { ReadStateLive } from './read-state-live';
import { ReadStateRepository } from './read-state.repository';
import { ReadStateService } from './read-state.service';

/** Read markers, unread and mention counts, receipts and mentions (EXTENSIONS.md §1-2). Needs a `RealtimePublisher`. */
@Module({
  imports: [RoomsModule],
  controllers: [ReadStateController, BasicReadStateController],
  providers: [ReadStateService, ReadStateRepository, ReadStateLive],
  exports: [ReadStateService, ReadStateRepository],
})
export class ReadStateModule {}
