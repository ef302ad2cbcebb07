import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { TapeConfigsService } from './configs.service';
import { LoanTapesController } from './loan-tapes.controller';
import { TapeGenerator } from './tape-generator.service';
import { TapeSchedules } from './tape-schedules.service';
import { LocalTapeStorage, TAPE_STORAGE } from './tape-storage';
import { TapesService } from './tapes.service';

/** Loan-tape configs, the column catalog, tapes and their downloads. */
@Module({
  controllers: [LoanTapesController],
  providers: [
    TapeConfigsService,
    TapesService,
    TapeSchedules,
    TapeGenerator,
    { provide: TAPE_STORAGE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new LocalTapeStorage(config.tapeStorageDir) },
  ],
  exports: [TapesService, TapeGenerator, TapeSchedules],
})
export class LoanTapesModule {}
