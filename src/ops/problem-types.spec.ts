import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CATALOGS, problemTypes } from './problem-types';

const SRC = resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
  );
}

const files = sourceFiles(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));
const isCatalog = (path: string) => path.endsWith('.errors.ts');

describe('error catalogs', () => {
  it('give every code to exactly one catalog', () => {
    const codes = CATALOGS.flatMap((c) => c.codes);
    const repeated = codes.filter((code, i) => codes.indexOf(code) !== i);
    expect(repeated).toEqual([]);
    // The common catalog alone holds more than twenty; a lost list would not pass for empty.
    expect(codes.length).toBeGreaterThan(60);
  });

  it('list every <name>.errors.ts file, each under its own name', () => {
    const onDisk = files.filter((f) => isCatalog(f.path)).map((f) => f.path.split('/').pop()?.replace('.errors.ts', ''));
    expect(onDisk.sort()).toEqual(CATALOGS.map((c) => c.name).sort());
  });

  it('are the only place a DomainError is built', () => {
    const outside = files.filter((f) => !f.path.startsWith('common/errors/') && /new DomainError\(/.test(f.text));
    expect(outside.map((f) => f.path)).toEqual([]);
    const definers = files.filter((f) => f.path !== 'common/errors/define-errors.ts' && /\bdefineErrors\(/.test(f.text));
    expect(definers.filter((f) => !isCatalog(f.path)).map((f) => f.path)).toEqual([]);
    // A throw site calls a factory; it never names a code itself through a catalog's `error`.
    const adHoc = files.filter((f) => !isCatalog(f.path) && /_ERRORS\.error\(|\{ error \} = \w+_ERRORS/.test(f.text));
    expect(adHoc.map((f) => f.path)).toEqual([]);
  });

  it('orders the problem types by status, then code', () => {
    const types = problemTypes();
    const first409 = types.findIndex((t) => t.status === 409);
    // 400 < 401 < … : every entry before the first 409 has a lower status.
    expect(types.slice(0, first409).every((t) => t.status < 409)).toBe(true);
    expect(types.find((t) => t.type.endsWith('/portfolio-not-active'))).toEqual({
      type: 'https://portfolio-service.dev/problems/portfolio-not-active',
      status: 409,
      title: 'Conflict',
      catalog: 'portfolios',
    });
  });
});
