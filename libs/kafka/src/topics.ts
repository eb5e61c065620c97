/** The kinds of record Pulse moves through Kafka; each has its own topic. */
export enum RecordKind {
  Transaction = 'transactions',
  Span = 'spans',
  WebVital = 'web-vitals',
  Error = 'errors',
  Session = 'sessions',
}

/** Topic names under a configurable prefix (`pulse.transactions`, `pulse.dead-letter`). */
export class TopicNames {
  /** Topic per record kind. */
  readonly records: Record<RecordKind, string>;
  /** Messages that could not be decoded or stored, with the reason in headers. */
  readonly deadLetter: string;

  constructor(prefix: string) {
    this.records = Object.fromEntries(Object.values(RecordKind).map((kind) => [kind, `${prefix}${kind}`])) as Record<RecordKind, string>;
    this.deadLetter = `${prefix}dead-letter`;
  }

  all(): string[] {
    return [...Object.values(this.records), this.deadLetter];
  }

  kindOf(topic: string): RecordKind | undefined {
    return (Object.entries(this.records) as Array<[RecordKind, string]>).find(([, name]) => name === topic)?.[0];
  }
}
