import type { SeedContext } from './context';

/** Seeds the investors part of the demo organization. */
export async function seed(ctx: SeedContext): Promise<void> {
  ctx.log('investors: nothing to seed yet');
}
