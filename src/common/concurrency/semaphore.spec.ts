import { Semaphore } from './semaphore';

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
};

describe('Semaphore', () => {
  it('runs at most max at once, the rest in arrival order, and frees a place when work fails', async () => {
    const s = new Semaphore(2);
    const started: string[] = [];
    const gates = { a: gate(), b: gate(), c: gate(), d: gate() };
    const run = (k: keyof typeof gates) => s.use(async () => (started.push(k), gates[k].opened));
    const all = [run('a'), run('b'), run('c'), run('d')];
    await Promise.resolve();
    // 2 places: a and b run, c and d wait.
    expect([started, s.waiting]).toEqual([['a', 'b'], 2]);
    gates.b.open();
    await all[1];
    await Promise.resolve();
    // b done: its place goes to c, the first waiter.
    expect(started).toEqual(['a', 'b', 'c']);
    const failing = s.use(async () => Promise.reject(new Error('boom')));
    gates.a.open();
    gates.c.open();
    gates.d.open();
    await expect(failing).rejects.toThrow('boom');
    await Promise.all(all);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    // Every place came back: a new holder starts at once.
    expect(await s.use(async () => 'free')).toBe('free');
    expect(s.waiting).toBe(0);
  });
});
