import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import createClient, { Middleware } from 'openapi-fetch';
import type { paths } from './api-types';

/** The committed contract: the same file the typed client was generated from. */
type Documented = { $ref?: string; content?: Record<string, { schema: unknown }> };
export const OPENAPI = JSON.parse(readFileSync(resolve(__dirname, '../../openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, Documented> }>>;
  components: { responses: Record<string, Documented> };
};

/** A documented response, following a `#/components/responses/…` reference. */
const resolved = (r: Documented | undefined) => (r?.$ref ? OPENAPI.components.responses[r.$ref.split('/').pop() as string] : r);

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('binary', true);
ajv.addSchema(OPENAPI, 'openapi.json');

const validators = new Map<unknown, ValidateFunction>();

/** `#/components/…` inside a response schema means inside openapi.json. */
const anchored = (schema: unknown): unknown =>
  Array.isArray(schema)
    ? schema.map(anchored)
    : schema && typeof schema === 'object'
      ? Object.fromEntries(
          Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `openapi.json${v}` : anchored(v)]),
        )
      : schema;

function validatorFor(schema: unknown): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    v = ajv.compile(anchored(schema) as object);
    validators.set(schema, v);
  }
  return v;
}

/** Every answer must be documented for its status and media type, and its JSON body must match the schema. */
export function checkAgainstContract(schemaPath: string, method: string, response: Response, body: unknown): void {
  const where = `${method.toUpperCase()} ${schemaPath} → ${response.status}`;
  const documented = resolved(OPENAPI.paths[schemaPath]?.[method.toLowerCase()]?.responses[String(response.status)]);
  if (!documented) throw new Error(`${where} is not in openapi.json`);
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
  if (!documented.content) {
    if (mediaType) throw new Error(`${where} sent ${mediaType} where the contract documents no body`);
    return;
  }
  if (!documented.content[mediaType]) throw new Error(`${where} sent ${mediaType}; the contract lists ${Object.keys(documented.content).join(', ')}`);
  if (!/json$/.test(mediaType)) return;
  const validate = validatorFor(documented.content[mediaType].schema);
  if (!validate(body)) {
    throw new Error(`${where} does not match its schema: ${ajv.errorsText(validate.errors, { separator: '; ' })}\n${JSON.stringify(body).slice(0, 2000)}`);
  }
}

/** Seen (path, method, status) triples, so a test can say which operations it covered. */
export const covered = new Set<string>();

const contractCheck: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    covered.add(`${request.method} ${schemaPath} ${response.status}`);
    const text = await response.clone().text();
    const body = text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined;
    checkAgainstContract(schemaPath, request.method, response, body);
    return undefined;
  },
};

/**
 * A client generated from openapi.json (openapi-typescript + openapi-fetch), authenticated with
 * `token`, that fails any call whose answer drifts from the contract.
 */
export function typedClient(baseUrl: string, token?: string) {
  const client = createClient<paths>({ baseUrl, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  client.use(contractCheck);
  return client;
}

export type TypedClient = ReturnType<typeof typedClient>;
