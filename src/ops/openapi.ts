import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

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
        properties: { field: { type: 'string' }, message: { type: 'string' }, line: { type: 'integer' } },
      },
    },
  },
};

const ERRORS: Record<string, string> = {
  '400': 'Malformed or invalid input; unknown or read-only fields are named',
  '401': 'Missing or invalid credentials',
  '403': 'Role too low',
  '404': 'Not found, or belongs to another organization',
  '409': 'State conflict (archived, sold, duplicate, already assigned, in progress)',
  '412': 'If-Match names a stale version',
  '422': 'Well-formed but breaks a business rule, or names a related resource that does not exist',
  '429': 'Rate limited (see Retry-After)',
  '503': 'A dependency (Postgres or Redis) is unavailable',
};

/** Every operation documents the problem+json answers it can give. */
function addProblemResponses(doc: OpenAPIObject): void {
  doc.components = { ...doc.components, schemas: { ...(doc.components?.schemas ?? {}), Problem: PROBLEM } };
  for (const [path, item] of Object.entries(doc.paths)) {
    // The OAuth token endpoint answers in the OAuth error format, documented on the route itself.
    if (path === '/financial-partners/connect/token') continue;
    const isPublic = /^\/(health|metrics|docs)/.test(path);
    for (const [method, op] of Object.entries(item) as [string, { responses?: Record<string, unknown> }][]) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      const codes = isPublic ? ['503'] : Object.keys(ERRORS).filter((c) => method !== 'get' || !['409', '412', '422'].includes(c));
      for (const code of codes) {
        op.responses = op.responses ?? {};
        op.responses[code] ??= {
          description: ERRORS[code],
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        };
      }
    }
  }
}

export function setupOpenApi(app: NestFastifyApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('Portfolio Service')
    .setDescription(
      'Loan portfolios, snapshots, vintages, investors, loan tapes and a Flagstone-style savings view. ' +
        'Errors are RFC 9457 application/problem+json. Loan-side money is a decimal string with two decimals; ' +
        'rates are decimal-fraction strings. Every POST accepts Idempotency-Key; mutable resources carry an ' +
        'integer version sent as ETag and honour If-Match.',
    )
    .setVersion('1.0')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'cdpapi-Subscription-Key' }, 'cdpapi-key')
    .addOAuth2(
      {
        type: 'oauth2',
        description:
          'Savings side: client credentials. client_id is an API key id, client_secret the key; the token carries the ' +
          "key's organization and role and dies with the key. With REQUIRE_SUBSCRIPTION_KEY_AND_TOKEN=true the savings " +
          'routes need this token and cdpapi-Subscription-Key together.',
        flows: { clientCredentials: { tokenUrl: '/financial-partners/connect/token', scopes: {} } },
      },
      'oauth2',
    )
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('api-key')
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  addProblemResponses(document);
  addSavingsSecurity(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/**
 * Savings routes take a client-credentials token or the subscription key (or both together,
 * when the deployment demands it); the token endpoint itself takes no prior credentials.
 */
function addSavingsSecurity(doc: OpenAPIObject): void {
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/financial-partners')) continue;
    for (const op of Object.values(item) as { security?: Record<string, string[]>[]; responses?: unknown }[]) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      op.security =
        path === '/financial-partners/connect/token'
          ? []
          : [{ oauth2: [] }, { bearer: [] }, { 'cdpapi-key': [] }, { 'api-key': [] }, { oauth2: [], 'cdpapi-key': [] }];
    }
  }
}

