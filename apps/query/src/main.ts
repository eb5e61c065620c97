import 'reflect-metadata';
import { loadQueryConfig } from '@pulse/config';
import { runApp } from '@pulse/platform';
import { setUpApiDocs } from './api-docs';
import { hardenHttp } from './http-hardening';
import { QueryModule } from './query.module';

void runApp({
  name: 'query',
  loadConfig: loadQueryConfig,
  port: (config) => config.queryPort,
  createModule: ({ config, registry, metrics }) => ({
    module: QueryModule.forRoot({ config, registry, metrics }),
    beforeListen: (app) => {
      hardenHttp(app);
      setUpApiDocs(app);
    },
  }),
});
