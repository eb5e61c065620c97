export * from './error-body.filter';
export * from './fastify-options';
export * from './health.controller';
export * from './http-app';
export * from './json-body';
export * from './metrics-auth';
export * from './logger';
export * from './metrics.registry';
