/** Options the run cannot start with (a bad DSN, a remote host without allowRemote…): the CLI prints the message and exits 2. */
export class LoadOptionsError extends Error {
  override readonly name = 'LoadOptionsError';
}
