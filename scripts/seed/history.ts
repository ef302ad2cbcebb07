import type { SeedContext } from './context';

/** Seeds the history part of the demo organization. */
export async function seed(ctx: SeedContext): Promise<void> {
  ctx.log('history: nothing to seed yet');
}
