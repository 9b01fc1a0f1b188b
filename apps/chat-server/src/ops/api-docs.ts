import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import {
  ApiProperty,
  ApiPropertyOptional,
  DocumentBuilder,
  OpenAPIObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { IS_PUBLIC_KEY } from '../common/decorators/public.decorator';

export const DOCS_PATH = 'api/docs';
export const DOCS_JSON_PATH = 'api/docs-json';

class FieldErrorSchema {
  @ApiProperty({ example: 'username' }) field!: string;
  @ApiProperty({ example: 'username must be 3-32 characters' }) message!: string;
}

/** OpenAPI twin of `ErrorBody` (common/filters/error-body.ts): the one error body of every status. */
export class ErrorBodySchema {
  @ApiProperty({ example: '2026-01-01T12:00:00.000Z' }) timestamp!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'Validation failed' }) message!: string;
  @ApiProperty({ example: '/api/v1/auth/register' }) path!: string;
  @ApiPropertyOptional({ type: [FieldErrorSchema], description: 'Field errors of a validation failure' })
  errors?: FieldErrorSchema[];
  @ApiPropertyOptional({ description: 'Correlation id of a 500 (the X-Request-Id of the request)' })
  correlationId?: string;
}

const ERROR_REF = { $ref: '#/components/schemas/ErrorBody' };
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ERROR_REF } },
});
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** `/a/:id/` -> `/a/{id}`, the OpenAPI spelling of a Nest path. */
export function toOpenApiPath(path: string): string {
  const joined = `/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** "get /api/v1/auth/login" for every handler marked @Public() (method-level or controller-level). */
function publicOperations(app: INestApplication): Set<string> {
  const result = new Set<string>();
  const scanner = new MetadataScanner();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
      if (!type?.prototype) continue;
      const classPublic = Reflect.getMetadata(IS_PUBLIC_KEY, type) === true;
      const bases = [Reflect.getMetadata(PATH_METADATA, type) ?? ''].flat() as string[];
      for (const name of scanner.getAllMethodNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name] as object;
        const paths = Reflect.getMetadata(PATH_METADATA, handler);
        if (paths === undefined) continue;
        if (!classPublic && Reflect.getMetadata(IS_PUBLIC_KEY, handler) !== true) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        for (const base of bases) {
          for (const path of [paths].flat() as string[]) {
            result.add(`${String(method).toLowerCase()} ${toOpenApiPath(`${base}/${path}`)}`);
          }
        }
      }
    }
  }
  return result;
}

/**
 * The OpenAPI 3 document of both REST surfaces: bearer scheme on every protected operation (and
 * optional on public ones), the error body as a shared component referenced by every 4xx/5xx.
 */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Chat server API')
    .setDescription(
      'v1 REST under /api/v1 (primary) and the basic REST surface under /api. Live traffic uses STOMP ' +
        'at /ws/chat (SockJS) and /ws/chat/websocket (raw WebSocket). Errors always use the ErrorBody schema.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodySchema] });
  const schemas = (document.components ??= {}).schemas ?? {};
  schemas.ErrorBody = schemas.ErrorBodySchema;
  delete schemas.ErrorBodySchema;
  document.components.schemas = schemas;

  const open = publicOperations(app);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const isPublic = open.has(`${method} ${path}`);
      op.security = isPublic ? [{}, { bearer: [] }] : [{ bearer: [] }];
      const responses = op.responses ?? {};
      for (const [code, response] of Object.entries(responses)) {
        if (/^[45]/.test(code) && response && !('$ref' in response) && !response.content) {
          response.content = errorResponse(response.description).content;
        }
      }
      if (!isPublic) responses['401'] ??= errorResponse('Missing, invalid or expired bearer token');
      responses['4XX'] ??= errorResponse('Client error (validation, forbidden, not found, rate limited)');
      responses['5XX'] ??= errorResponse('Server error or dependency unavailable');
      op.responses = responses;
    }
  }
  return document;
}

/** Serves the UI at /api/docs and the JSON at /api/docs-json (public: outside Nest's guards). */
export function setupApiDocs(app: INestApplication): void {
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(DOCS_PATH, app, () => (document ??= buildApiDocument(app)), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    yamlDocumentUrl: `${DOCS_PATH}-yaml`,
    swaggerOptions: { persistAuthorization: true, validatorUrl: null },
  });
}
