import type { SeedContext } from './context';

/** Seeds the portfolios part of the demo organization. */
export async function seed(ctx: SeedContext): Promise<void> {
  ctx.log('portfolios: nothing to seed yet');
}
