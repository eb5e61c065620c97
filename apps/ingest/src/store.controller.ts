import { Body, Controller, HttpCode, Param, ParseIntPipe, Post, UseGuards } from '@nestjs/common';
import { ProjectKeyGuard } from './project-key.guard';
import { StoreService } from './store.service';

@Controller('api/:projectId')
@UseGuards(ProjectKeyGuard)
export class StoreController {
  constructor(private readonly store: StoreService) {}

  /** Legacy single-event endpoint: one transaction event as JSON. */
  @Post('store')
  @HttpCode(200)
  storeEvent(@Param('projectId', ParseIntPipe) projectId: number, @Body() body: Buffer): Promise<{ id: string }> {
    return this.store.storeTransaction(projectId, body);
  }
}
