import type { INestApplication } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PUBLIC_EXTENSION } from '../common/auth/decorators';
import { idDescription, PARAMETER_DOCS } from './openapi-parameters';
import { applyValidatorSchemas } from './openapi-validators';
import { problemTypes } from './problem-types';

const PROBLEM = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail', 'errors'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: {
          field: { type: 'string', nullable: true },
          message: { type: 'string' },
          line: { type: 'integer' },
        },
      },
    },
  },
};

/** Problem answers by status: the name of the shared response component, and what it means. */
const ERRORS: Record<string, [name: string, description: string]> = {
  '400': ['BadRequest', 'Malformed or invalid input; unknown or read-only fields are named'],
  '401': ['Unauthorized', 'Missing or invalid credentials'],
  '403': ['Forbidden', 'Role too low'],
  '404': ['NotFound', 'Not found, or belongs to another organization'],
  '409': ['Conflict', 'State conflict (archived, sold, duplicate, already assigned, in progress)'],
  '412': ['PreconditionFailed', 'If-Match names a stale version'],
  '415': ['UnsupportedMediaType', 'The body has a media type this route does not take'],
  '422': ['UnprocessableEntity', 'Well-formed but breaks a business rule, or names a related resource that does not exist'],
  '429': ['TooManyRequests', 'Rate limited (see Retry-After)'],
  '503': ['ServiceUnavailable', 'A dependency (Postgres or Redis) is unavailable'],
};

const SAVINGS_PATH = /^\/financial-partners(\/|$)/;
const OAUTH_TOKEN_PATH = '/financial-partners/connect/token';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

function operations(doc: OpenAPIObject): { path: string; method: string; op: OperationObject }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as OperationObject })),
  );
}

/**
 * Every operation documents the problem+json answers it can give, and the credentials it takes:
 * none on @Public routes; `cdpapi-Subscription-Key` besides the usual two on the savings side only,
 * as the auth guard reads it there only.
 */
function addProblemsAndSecurity(doc: OpenAPIObject): void {
  const types = problemTypes();
  // Each shared answer names the problem types of its status; the whole list, with each
  // type's owner, is the document's `x-problem-types` (built from the error catalogs).
  const responses = Object.fromEntries(
    Object.entries(ERRORS).map(([status, [name, description]]) => [
      name,
      {
        description,
        'x-problem-types': types.filter((t) => String(t.status) === status).map((t) => t.type),
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    ]),
  );
  (doc as OpenAPIObject & Record<string, unknown>)['x-problem-types'] = types;
  doc.components = {
    ...doc.components,
    schemas: { ...(doc.components?.schemas ?? {}), Problem: PROBLEM },
    responses: { ...(doc.components?.responses ?? {}), ...responses },
  };
  for (const { path, method, op } of operations(doc)) {
    const extended = op as OperationObject & Record<string, unknown>;
    const isPublic = extended[PUBLIC_EXTENSION] === true;
    delete extended[PUBLIC_EXTENSION];
    // Savings routes also take a client-credentials token and the subscription key (or both
    // together, when the deployment demands it).
    op.security = isPublic
      ? []
      : SAVINGS_PATH.test(path)
        ? [{ oauth2: [] }, { bearer: [] }, { 'cdpapi-key': [] }, { 'api-key': [] }, { oauth2: [], 'cdpapi-key': [] }]
        : [{ bearer: [] }, { 'api-key': [] }];
    // The OAuth token endpoint answers in the OAuth error format, documented on the route itself.
    if (path === OAUTH_TOKEN_PATH) continue;
    const codes = isPublic
      ? ['400', '503']
      : Object.keys(ERRORS).filter((c) => method !== 'get' || !['409', '412', '415', '422'].includes(c));
    for (const code of codes) {
      op.responses[code] ??= { $ref: `#/components/responses/${ERRORS[code][0]}` };
    }
  }
}

/** Every POST takes Idempotency-Key (the global interceptor), so every POST documents it. */
const IDEMPOTENCY_KEY: ParameterObject = {
  in: 'header',
  name: 'Idempotency-Key',
  required: false,
  description:
    'A retry with the same key, route and body answers the first response without repeating the effect; ' +
    'another body or route → 422; while the first is still running → 409. Keys live 24 h, per organization and caller.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
  example: '5f0c8e1e-7d2a-4d0b-9a43-0f3c1e2d4b5a',
};

/** Ids of loan-side resources are uuids (jobs and the savings side have ids of their own). */
const UUID_ID_PATH = /^\/(?!jobs\/|financial-partners\/)/;

/** Parameters say what they mean; header names are spelled as HTTP documents them. */
function describeParameters(doc: OpenAPIObject): void {
  for (const { path, method, op } of operations(doc)) {
    if (method === 'post') op.parameters = [...(op.parameters ?? []), IDEMPOTENCY_KEY];
    for (const p of (op.parameters ?? []) as ParameterObject[]) {
      if (p.in === 'path' && ['id', 'loanId'].includes(p.name) && UUID_ID_PATH.test(path)) p.schema = { type: 'string', format: 'uuid' };
      if (p.in === 'header') p.name = p.name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
      const known = PARAMETER_DOCS[`${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`];
      p.description ??= known?.description ?? (p.in === 'path' && p.name === 'id' ? idDescription(path) : undefined);
      if (known?.example !== undefined) p.example ??= known.example;
    }
  }
}

/** A resource with a `version` is answered with it as ETag (the global etag hook); say so. */
function addEtagHeaders(doc: OpenAPIObject): void {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, { properties?: Record<string, unknown> }>;
  for (const { op } of operations(doc)) {
    for (const [code, response] of Object.entries(op.responses) as [string, ResponseObject][]) {
      const ref = (response.content?.['application/json']?.schema as { $ref?: string } | undefined)?.$ref;
      const schema = ref ? schemas[ref.split('/').pop() as string] : undefined;
      if (!code.startsWith('2') || !schema?.properties?.version) continue;
      response.headers = {
        ...response.headers,
        ETag: { description: 'The version, quoted; send it back as If-Match', schema: { type: 'string', example: '"3"' } },
      };
    }
  }
}

/** The whole contract, from the controllers' decorators; the same for every configuration. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  applyValidatorSchemas();
  const doc = new DocumentBuilder()
    .setTitle('Portfolio Service')
    .setDescription(
      'Loan portfolios, snapshots, vintages, investors, loan tapes and a Flagstone-style savings view. ' +
        'Errors are RFC 9457 application/problem+json; `x-problem-types` lists every problem type with its status. Loan-side money is a decimal string with two decimals; ' +
        'rates are decimal-fraction strings. Every POST accepts Idempotency-Key; mutable resources carry an ' +
        'integer version sent as ETag and honour If-Match.',
    )
    .setVersion('1.0')
    .addServer('/', 'The server that serves this document')
    .addTag('loans', 'The loans portfolios hold: create, import (CSV), servicing updates, filtered lists')
    .addTag('portfolios', 'Static and dynamic portfolios, membership, archive, sale')
    .addTag('snapshots', 'Daily portfolio and loan snapshots, vintage analysis')
    .addTag('investors', 'Investors, settlement instruments, loan assignments')
    .addTag('loan-tapes', 'Tape configs and generated loan tapes (CSV, XLSX, JSON Lines)')
    .addTag('jobs', 'The state of background jobs (202 answers point here)')
    .addTag('savings', 'The Flagstone-style savings view for financial partners (camelCase wire format)')
    .addTag('api-keys', 'API keys for machine clients (owner)')
    .addTag('audit', 'The audit trail')
    .addTag('operations', 'Health checks (no credentials)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT with sub, org and role' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key from POST /api-keys' }, 'api-key')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'cdpapi-Subscription-Key', description: 'An API key, on /financial-partners routes only' },
      'cdpapi-key',
    )
    .addOAuth2(
      {
        type: 'oauth2',
        description:
          'Savings side: client credentials. client_id is an API key id, client_secret the key; the token carries the ' +
          "key's organization and role and dies with the key. With REQUIRE_SUBSCRIPTION_KEY_AND_TOKEN=true the savings " +
          'routes need this token and cdpapi-Subscription-Key together.',
        flows: { clientCredentials: { tokenUrl: OAUTH_TOKEN_PATH, scopes: {} } },
      },
      'oauth2',
    )
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  document.info.license = { name: 'UNLICENSED (proprietary)' };
  addProblemsAndSecurity(document);
  describeParameters(document);
  addEtagHeaders(document);
  return document;
}

export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
