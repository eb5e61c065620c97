export * from './dev-config';
export * from './env.config';
export { ConfigError } from './env-reader';
export * from './project-registry';
export * from './pulse-config.dto';
export * from './pulse-config.loader';
