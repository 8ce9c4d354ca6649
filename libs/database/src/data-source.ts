/**
 * The data source the TypeORM CLI uses (`npm run migration:run|revert|generate`), on the compiled output.
 * It reads the same validated configuration and options as the app; entities are found by file name.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { AppConfig } from '@app/config';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';

const config = AppConfig.load();

export default new DataSource({
  ...buildDataSourceOptions(config.database),
  entities: [join(__dirname, '..', '..', '*', 'src', '**', '*.entity.{ts,js}').replace(/\\/g, '/')],
});
