import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RoomsModule } from '../rooms/rooms.module';
import { AttachmentsCleanup } from './attachments-cleanup';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { AttachmentStorage } from './storage/attachment-storage';
import { LocalDiskStorage } from './storage/local-disk.storage';
import { S3Storage } from './storage/s3.storage';

/** File attachments (EXTENSIONS.md §7): upload, download, storage, cleanup. */
@Module({
  imports: [RoomsModule],
  controllers: [AttachmentsController],
  providers: [
    AttachmentsService,
    AttachmentsRepository,
    AttachmentsCleanup,
    {
      provide: AttachmentStorage,
      inject: [AppConfig],
      useFactory: ({ settings }: AppConfig): AttachmentStorage => {
        const { storage, dir } = settings.attachments;
        return storage.kind === 's3' ? new S3Storage(storage) : new LocalDiskStorage(dir);
      },
    },
  ],
  exports: [AttachmentsService, AttachmentsRepository],
})
export class AttachmentsModule {}
