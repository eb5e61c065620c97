import 'reflect-metadata';
import { loadConsumerConfig } from '@pulse/config';
import { runApp } from '@pulse/platform';
import { consumerApp } from './consumer-app';

void runApp({
  name: 'consumer',
  loadConfig: loadConsumerConfig,
  port: (config) => config.consumerPort,
  createModule: consumerApp,
});
