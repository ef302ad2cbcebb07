import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import createClient, { Middleware } from 'openapi-fetch';
import type { paths } from './api-types';

/** The committed contract: the same file the typed client was generated from. */
export const OPENAPI = JSON.parse(readFileSync(resolve(__dirname, '../../openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
};

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('binary', true);
ajv.addSchema(OPENAPI, 'openapi.json');

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const validators = new Map<string, ValidateFunction>();

function validatorFor(path: string, method: string, status: string, mediaType: string): ValidateFunction {
  const key = [path, method, status, mediaType].join(' ');
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile({ $ref: `openapi.json#/${pointer('paths', path, method, 'responses', status, 'content', mediaType, 'schema')}` });
    validators.set(key, v);
  }
  return v;
}

/** Every answer must be documented for its status and media type, and its JSON body must match the schema. */
export function checkAgainstContract(schemaPath: string, method: string, response: Response, body: unknown): void {
  const where = `${method.toUpperCase()} ${schemaPath} → ${response.status}`;
  const documented = OPENAPI.paths[schemaPath]?.[method.toLowerCase()]?.responses[String(response.status)];
  if (!documented) throw new Error(`${where} is not in openapi.json`);
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
  if (!documented.content) {
    if (mediaType) throw new Error(`${where} sent ${mediaType} where the contract documents no body`);
    return;
  }
  if (!documented.content[mediaType]) throw new Error(`${where} sent ${mediaType}; the contract lists ${Object.keys(documented.content).join(', ')}`);
  if (!/json$/.test(mediaType)) return;
  const validate = validatorFor(schemaPath, method.toLowerCase(), String(response.status), mediaType);
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
