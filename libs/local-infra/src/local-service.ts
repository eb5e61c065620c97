/**
 * A piece of development/test infrastructure the project runs itself when no external one is
 * configured (a local Kafka broker, a local ClickHouse HTTP server over chdb).
 */
export interface LocalService {
  readonly name: string;
  /** Connection string the apps use (`127.0.0.1:9092`, `http://127.0.0.1:8123`). */
  readonly endpoint: string;
  /** Installs what is missing, starts the process in the background and resolves once it answers. */
  start(): Promise<void>;
  /** Stops the process it started (by pid file), waiting for it to exit. Idempotent. */
  stop(): Promise<void>;
  /** True when a process started by this service is alive and answering. */
  isRunning(): Promise<boolean>;
}
