import { Module } from '@nestjs/common';
import { SavingsClientsController } from './clients.controller';
import { SavingsClientsService } from './clients.service';
import { SavingsInstructionsController } from './instructions.controller';
import { SavingsInstructionsService } from './instructions.service';
import { SavingsProductsController } from './products.controller';
import { SavingsProductsService } from './products.service';
import { SavingsRunsController } from './runs.controller';
import { SavingsRunsService } from './runs.service';
import { SavingsViewsController } from './views.controller';
import { SavingsViewsService } from './views.service';

/** Controllers and the services of the savings feature. Exports the run service for the workers. */
@Module({
  controllers: [
    SavingsViewsController,
    SavingsClientsController,
    SavingsProductsController,
    SavingsInstructionsController,
    SavingsRunsController,
  ],
  providers: [SavingsViewsService, SavingsClientsService, SavingsProductsService, SavingsInstructionsService, SavingsRunsService],
  exports: [SavingsRunsService],
})
export class SavingsModule {}
