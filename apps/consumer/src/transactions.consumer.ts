import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RecordBatch, RecordKind } from '@pulse/kafka';
import { TransactionBatchService } from './transaction-batch.service';

@Controller()
export class TransactionsConsumer {
  constructor(private readonly transactions: TransactionBatchService) {}

  @EventPattern(RecordKind.Transaction)
  handle(@Payload() batch: RecordBatch): Promise<void> {
    return this.transactions.handle(batch);
  }
}
