import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RoomsModule } from '../rooms/rooms.module';
import { AttachmentsCleanup } from './attachments-cleanup';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { AttachmentStorage } from './storage/attachment-storage';
import { LocalDiskStorage } from './storage/local-disk.storage';

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
      // The AWS SDK is only loaded when S3 is configured: several MiB of code a disk-backed
      // instance would otherwise keep in its heap (and mark on every full GC).
      useFactory: async ({ settings }: AppConfig): Promise<AttachmentStorage> => {
        const { storage, dir } = settings.attachments;
        if (storage.kind !== 's3') return new LocalDiskStorage(dir);
        const { S3Storage } = await import('./storage/s3.storage');
        return new S3Storage(storage);
      },
    },
  ],
  exports: [AttachmentsService, AttachmentsRepository],
})
export class AttachmentsModule {}
