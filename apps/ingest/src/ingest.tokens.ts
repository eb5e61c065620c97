/** Injection tokens of the ingest app. */
/** The app's IngestConfig. */
export const INGEST_CONFIG = Symbol('INGEST_CONFIG');
export const PROJECT_REGISTRY = Symbol('PROJECT_REGISTRY');
export const LOGGER = Symbol('LOGGER');
