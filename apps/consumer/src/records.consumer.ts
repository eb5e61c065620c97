import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordBatch } from '@pulse/kafka';
import { RECORD_KINDS } from '@pulse/model';
import { RecordBatchService } from './record-batch.service';

/**
 * Every record kind's batches go to the same service; the kind picks the table. One pattern per
 * kind of the model's list, so KafkaBatchServer starts a consumer group for each, a new kind included.
 */
@Controller()
export class RecordsConsumer {
  constructor(private readonly batches: RecordBatchService) {}

  @EventPattern(RECORD_KINDS)
  records(@Payload() batch: RecordBatch): Promise<void> {
    return this.batches.handle(batch);
  }
}
