import { join } from 'node:path';
import { ProcessExit, ServerProcess } from './server-process';

export type AppName = 'ingest' | 'consumer' | 'query' | 'alerts';

/** Every app, in the order `npm start` starts them. */
export const ALL_APPS: readonly AppName[] = ['consumer', 'ingest', 'query', 'alerts'];

export type AppExit = ProcessExit;

export interface AppProcessOptions {
  app: AppName;
  /** Repository root; the app runs from `dist/apps/<app>/src/main.js`. */
  root: string;
  env: NodeJS.ProcessEnv;
  /** Port its /ready answers on. */
  port: number;
  /** Receives each output line (JSON logs). */
  onLine?: (app: AppName, line: string) => void;
}

/** One of the built apps as a child process: started, awaited until /ready, stopped by SIGTERM. */
export class AppProcess extends ServerProcess {
  constructor(readonly options: AppProcessOptions) {
    const { app, root, env, port, onLine } = options;
    super({ name: app, script: join(root, 'dist', 'apps', app, 'src', 'main.js'), cwd: root, env, port, onLine: onLine && ((line) => onLine(app, line)) });
  }
}
