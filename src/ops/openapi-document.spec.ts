import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sortKeys } from './openapi-cli';
import { idDescription } from './openapi-parameters';
import { problemTypes } from './problem-types';

type Op = {
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean; description?: string; schema?: Record<string, unknown> }[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
const doc = JSON.parse(readFileSync(resolve(__dirname, '../../openapi.json'), 'utf8')) as {
  servers: unknown[];
  'x-problem-types': unknown[];
  components: { responses: Record<string, { 'x-problem-types'?: string[] }> };
  paths: Record<string, Record<string, Op>>;
};
const ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
const where = (o: { path: string; method: string }) => `${o.method.toUpperCase()} ${o.path}`;

/** Invariants of the committed contract (regenerated and diffed in CI, so they hold for the code too). */
describe('openapi.json', () => {
  it('has servers and every operation a summary', () => {
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(ops.filter((o) => !o.op.summary).map(where)).toEqual([]);
  });

  it('documents a success response with a body for every operation but 204s', () => {
    const missing = ops.filter(({ op }) => {
      const ok = Object.keys(op.responses).filter((c) => c.startsWith('2'));
      return ok.length === 0 || ok.some((c) => c !== '204' && !op.responses[c].content);
    });
    expect(missing.map(where)).toEqual([]);
  });

  it('names a component schema for every JSON success body', () => {
    const inline = ops.flatMap((o) =>
      Object.entries(o.op.responses)
        .filter(([c]) => c.startsWith('2'))
        .flatMap(([c, r]) => Object.entries(r.content ?? {}).map(([type, m]) => ({ ...o, c, type, schema: m.schema as Record<string, unknown> })))
        .filter((r) => r.type === 'application/json' && !('$ref' in r.schema) && !('$ref' in ((r.schema.items as object) ?? {}))),
    );
    expect(inline.map((r) => `${where(r)} ${r.c}`)).toEqual([]);
  });

  it('describes every parameter, and no parameter with a default is required', () => {
    const params = ops.flatMap((o) => (o.op.parameters ?? []).map((p) => ({ ...o, p })));
    expect(params.filter(({ p }) => !p.description).map((x) => `${where(x)} ${x.p.in}:${x.p.name}`)).toEqual([]);
    expect(params.filter(({ p }) => p.required && p.schema && 'default' in p.schema).map((x) => `${where(x)} ${x.p.name}`)).toEqual([]);
  });

  it('types paging parameters as integers', () => {
    const paging = ops.flatMap((o) => (o.op.parameters ?? []).filter((p) => /^(page|page_size|PageNumber|PageSize)$/.test(p.name)));
    expect(paging.length).toBeGreaterThan(10);
    expect(paging.filter((p) => p.schema?.type !== 'integer')).toEqual([]);
  });

  it('asks for no credentials on public routes and for credentials everywhere else', () => {
    const byPath = Object.fromEntries(ops.map((o) => [where(o), o.op.security]));
    expect(byPath['GET /health/live']).toEqual([]);
    expect(byPath['GET /loans']).toEqual([{ bearer: [] }, { 'api-key': [] }]);
    // Savings routes also take a client-credentials token, alone or with the subscription key.
    expect(byPath['GET /financial-partners/portfolios']).toEqual([
      { oauth2: [] },
      { bearer: [] },
      { 'cdpapi-key': [] },
      { 'api-key': [] },
      { oauth2: [], 'cdpapi-key': [] },
    ]);
    expect(byPath['POST /financial-partners/connect/token']).toEqual([]);
    expect(ops.filter((o) => o.op.security === undefined).map(where)).toEqual([]);
  });

  it('documents ETag on answers that carry a version, and Idempotency-Key on every POST', () => {
    const ok = (path: string, method: string, code: string) =>
      (doc.paths[path][method].responses[code] as { headers?: Record<string, unknown> }).headers ?? {};
    expect(Object.keys(ok('/loans/{id}', 'get', '200'))).toEqual(['ETag']);
    expect(Object.keys(ok('/loans', 'get', '200'))).toEqual([]);
    const posts = ops.filter((o) => o.method === 'post');
    expect(posts.filter((o) => !(o.op.parameters ?? []).some((p) => p.name === 'Idempotency-Key')).map(where)).toEqual([]);
  });

  it('lists every problem type of the error catalogs, and each shared problem answer those of its status', () => {
    expect(doc['x-problem-types']).toEqual(problemTypes());
    expect(doc.components.responses.Conflict['x-problem-types']).toContain('https://portfolio-service.dev/problems/portfolio-not-active');
    expect(doc.components.responses.PreconditionFailed['x-problem-types']).toEqual(['https://portfolio-service.dev/problems/version-mismatch']);
  });

  it('documents the tape download with its three media types', () => {
    const content = doc.paths['/loan-tapes/{id}/download'].get.responses['200'].content ?? {};
    expect(Object.keys(content).sort()).toEqual([
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/x-ndjson',
      'text/csv',
    ]);
  });
});

describe('sortKeys', () => {
  it('orders object keys at every depth and keeps array order', () => {
    const sorted = sortKeys({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } });
    expect(JSON.stringify(sorted)).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });
});

describe('idDescription', () => {
  it('names the resource the id belongs to', () => {
    expect(idDescription('/loan-tape-configs/{id}/generate')).toBe('Loan tape config id');
    expect(idDescription('/settlement-instruments/{id}')).toBe('Settlement instrument id');
    expect(idDescription('/jobs/{id}')).toBe('Job id');
  });
});
