import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RecordBatch, RecordKind } from '@pulse/kafka';
import { RecordBatchService } from './record-batch.service';

/** Every record kind's batches go to the same service; the kind picks the table. */
@Controller()
export class RecordsConsumer {
  constructor(private readonly batches: RecordBatchService) {}

  @EventPattern(RecordKind.Transaction)
  transactions(@Payload() batch: RecordBatch): Promise<void> {
    return this.batches.handle(batch);
  }

  @EventPattern(RecordKind.Span)
  spans(@Payload() batch: RecordBatch): Promise<void> {
    return this.batches.handle(batch);
  }

  @EventPattern(RecordKind.WebVital)
  webVitals(@Payload() batch: RecordBatch): Promise<void> {
    return this.batches.handle(batch);
  }

  @EventPattern(RecordKind.Error)
  errors(@Payload() batch: RecordBatch): Promise<void> {
    return this.batches.handle(batch);
  }

  @EventPattern(RecordKind.Session)
  sessions(@Payload() batch: RecordBatch): Promise<void> {
    return this.batches.handle(batch);
  }
}
