/** On Ctrl-C or SIGTERM: stop what the benchmark started (`cleanUp`), then exit with 130. */
export function stopOnSignal(log: (line: string) => void, cleanUp: () => Promise<void>): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping what was started…`);
    void cleanUp().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
