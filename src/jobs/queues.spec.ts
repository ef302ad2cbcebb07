import { makeJobId, parseJobId } from './queues';

describe('job ids', () => {
  const org = '3f1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f';

  it('carry queue, name and organization without a colon', () => {
    const id = makeJobId('auto-assign', 'auto-assign', org, 'r1');
    expect(id).not.toContain(':');
    expect(parseJobId(id)).toEqual({ queue: 'auto-assign', name: 'auto-assign', org });
  });

  it('refuses ids of unknown queues or shapes', () => {
    expect(parseJobId('nope.x.y.z')).toBeNull();
    // The imports queue is gone (imports are synchronous; nothing ever consumed it).
    expect(parseJobId(`imports.post-import.${org}.r1`)).toBeNull();
    expect(parseJobId('auto-assign.x')).toBeNull();
  });
});
