import type { SeedContext } from './context';

/** Seeds the savings part of the demo organization. */
export async function seed(ctx: SeedContext): Promise<void> {
  ctx.log('savings: nothing to seed yet');
}
