import type { SeedContext } from './context';

/** Seeds the loans part of the demo organization. */
export async function seed(ctx: SeedContext): Promise<void> {
  ctx.log('loans: nothing to seed yet');
}
