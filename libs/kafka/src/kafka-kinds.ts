import { RecordKind } from '@pulse/model';
import { CLIENT_REPORT_SCHEMA, ERROR_SCHEMA, RecordSchema, SESSION_SCHEMA, SPAN_SCHEMA, TRANSACTION_SCHEMA, WEB_VITAL_SCHEMA } from './record-schemas';

/**
 * Kafka's table of the record kinds (the kinds themselves: libs/model/src/record-kinds.ts): what a
 * kind is called on the broker and how its messages are written.
 *
 * `name` is the suffix of the kind's topic (`pulse.web-vitals`) and consumer group
 * (`<prefix>.web-vitals`), and the kind's label in the consumer's metrics, logs and `/ready`.
 * Topics and committed group offsets are state of running installs, so a name stays what it is
 * even when the model's kind is renamed (the model's `webVitals` is `web-vitals` here).
 */
export interface KafkaKind {
  name: string;
  schema: RecordSchema;
}

export const KAFKA_KINDS: { readonly [K in RecordKind]: KafkaKind } = {
  [RecordKind.Transaction]: { name: 'transactions', schema: TRANSACTION_SCHEMA },
  [RecordKind.Span]: { name: 'spans', schema: SPAN_SCHEMA },
  [RecordKind.WebVital]: { name: 'web-vitals', schema: WEB_VITAL_SCHEMA },
  [RecordKind.Error]: { name: 'errors', schema: ERROR_SCHEMA },
  [RecordKind.Session]: { name: 'sessions', schema: SESSION_SCHEMA },
  [RecordKind.ClientReport]: { name: 'client-reports', schema: CLIENT_REPORT_SCHEMA },
};

/** The kind's name on the broker: its topic and group suffix and its label in metrics and logs. */
export function kafkaNameOf(kind: RecordKind): string {
  return KAFKA_KINDS[kind].name;
}
