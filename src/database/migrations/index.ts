import { Platform1763700000000 } from './1763700000000-platform';

/** Every migration, in order. A module adds its own file here. */
export const MIGRATIONS = [Platform1763700000000];
