export * from './error-body.filter';
export * from './fastify-options';
export * from './health.controller';
export * from './http-app';
export * from './logger';
export * from './metrics.registry';
