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
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('api-key')
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  addProblemResponses(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
