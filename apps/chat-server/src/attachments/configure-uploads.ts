import multipart from '@fastify/multipart';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppSettings } from '../config/app-config';

/** The one route that takes multipart/form-data. */
export const UPLOAD_ROUTE = '/api/v1/rooms/:roomId/attachments';

/**
 * Registers @fastify/multipart for the upload route (called by createApp before the routes are
 * mapped). The plugin's parser is global in Fastify; every other route keeps refusing
 * multipart/form-data with 415, as it refuses every type but JSON (docs/API-DECISIONS.md,
 * "Request bodies"). Limits are set per upload (attachment-upload.ts).
 */
export async function configureUploads(app: NestFastifyApplication, settings: AppSettings): Promise<void> {
  await app.register(multipart, {
    limits: { fileSize: settings.attachments.maxBytes, files: 1, fields: 10, fieldSize: 1024, parts: 12 },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preValidation', async (request) => {
      if (request.isMultipart() && request.routeOptions.url !== UPLOAD_ROUTE)
        throw Object.assign(new Error('Unsupported content type: send application/json'), {
          statusCode: 415,
        });
    });
}
