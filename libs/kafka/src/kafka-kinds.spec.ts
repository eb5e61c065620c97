import { RECORD_KINDS, RecordKind } from '@pulse/model';
import { consumerGroupOf } from './kafka-batch.server';
import { KAFKA_KINDS } from './kafka-kinds';
import { TopicNames } from './topics';

describe('KAFKA_KINDS', () => {
  // Topics and consumer groups of running installs carry these names: a rename strands their data.
  it('keeps the broker names of every kind', () => {
    expect(RECORD_KINDS.map((kind) => KAFKA_KINDS[kind].name)).toEqual(['transactions', 'spans', 'web-vitals', 'errors', 'sessions', 'client-reports']);
  });

  it('gives every kind its own schema names, as older consumers read them', () => {
    expect(RECORD_KINDS.map((kind) => [KAFKA_KINDS[kind].schema.name, KAFKA_KINDS[kind].schema.groupName])).toEqual([
      ['transaction/1', 'transaction/2'],
      ['span/1', 'span/2'],
      ['web-vital/1', 'web-vital/2'],
      ['error/1', 'error/2'],
      ['session/1', 'session/2'],
      ['client-report/1', 'client-report/2'],
    ]);
  });

  it('names topics and consumer groups by the broker name, not the model kind', () => {
    const topics = new TopicNames('pulse.');
    expect(topics.records[RecordKind.WebVital]).toBe('pulse.web-vitals');
    expect(topics.kindOf('pulse.web-vitals')).toBe(RecordKind.WebVital);
    expect(topics.all()).toEqual(['pulse.transactions', 'pulse.spans', 'pulse.web-vitals', 'pulse.errors', 'pulse.sessions', 'pulse.client-reports', 'pulse.dead-letter']);
    expect(consumerGroupOf('pulse-consumer', RecordKind.WebVital)).toBe('pulse-consumer.web-vitals');
  });
});
