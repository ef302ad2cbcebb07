/**
 * The one test of "is this a uuid": the 8-4-4-4-12 hex text Postgres' `uuid` type takes, any
 * version (what we store comes from gen_random_uuid, but a uuid from elsewhere names a row just
 * as well). Whatever passes can be bound as a uuid parameter without a cast error (a 500).
 */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID_RE.test(v);
