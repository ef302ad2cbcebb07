import { ApiKeysModule } from '../modules/api-keys/api-keys.module';

/** Feature modules (controllers and services). Each feature adds itself here. */
export const FEATURE_MODULES = [ApiKeysModule];

/** Worker modules (processors and schedulers), loaded only when PROCESS_ROLE runs workers. */
export const WORKER_MODULES: never[] = [];
