// The DataSource the TypeORM CLI uses (npm run migration:run | migration:revert | migration:generate):
// the same options as the server, from the same environment variables.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadSettings } from './apps/chat-server/src/config/app-config';
import { dataSourceOptions } from './apps/chat-server/src/database/data-source-options';

export default new DataSource({ ...dataSourceOptions(loadSettings().database), migrationsRun: false });
