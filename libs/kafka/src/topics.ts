import { RECORD_KINDS, RecordKind } from '@pulse/model';
import { kafkaNameOf } from './kafka-kinds';

/** Topic names under a configurable prefix (`pulse.transactions`, `pulse.dead-letter`). */
export class TopicNames {
  /** Topic per record kind, `<prefix><Kafka name of the kind>` (kafka-kinds.ts). */
  readonly records: Record<RecordKind, string>;
  /** Messages that could not be decoded or stored, with the reason in headers. */
  readonly deadLetter: string;

  constructor(prefix: string) {
    this.records = Object.fromEntries(RECORD_KINDS.map((kind) => [kind, `${prefix}${kafkaNameOf(kind)}`])) as Record<RecordKind, string>;
    this.deadLetter = `${prefix}dead-letter`;
  }

  all(): string[] {
    return [...Object.values(this.records), this.deadLetter];
  }

  kindOf(topic: string): RecordKind | undefined {
    return (Object.entries(this.records) as Array<[RecordKind, string]>).find(([, name]) => name === topic)?.[0];
  }
}
