/** Injection tokens of the ingest app. */
export const ENV_CONFIG = Symbol('ENV_CONFIG');
export const PROJECT_REGISTRY = Symbol('PROJECT_REGISTRY');
export const LOGGER = Symbol('LOGGER');
