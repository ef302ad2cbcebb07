import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

export class Platform1763700000000 implements MigrationInterface {
  name = 'Platform1763700000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portfolio_app') THEN
           CREATE ROLE portfolio_app NOLOGIN;
         END IF;
       END $$`,
      `GRANT portfolio_app TO CURRENT_USER`,
      // NULLIF: once set in a session, an unset custom setting reads as '' rather than NULL.
      `CREATE FUNCTION app_org() RETURNS uuid LANGUAGE sql STABLE
         AS $$ SELECT NULLIF(current_setting('app.org_id', true), '')::uuid $$`,
      `CREATE TABLE organizations (
         id uuid PRIMARY KEY,
         first_seen_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE api_keys (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         ${ORG_COLUMN},
         name text NOT NULL,
         role text NOT NULL CHECK (role IN ('viewer', 'admin', 'owner')),
         key_hash bytea NOT NULL UNIQUE,
         key_prefix text NOT NULL,
         created_by text NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         revoked_at timestamptz
       )`,
      `CREATE INDEX api_keys_org ON api_keys (organization_id, created_at)`,
      ...tenantTable('api_keys'),
      // Authentication happens before the organization is known: this function is the one
      // narrow door through row-level security, returning only a live key's identity.
      `CREATE FUNCTION api_key_identity(p_hash bytea)
         RETURNS TABLE (id uuid, organization_id uuid, role text)
         LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
         AS $$ SELECT id, organization_id, role FROM api_keys WHERE key_hash = p_hash AND revoked_at IS NULL $$`,
      `REVOKE ALL ON FUNCTION api_key_identity(bytea) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION api_key_identity(bytea) TO portfolio_app`,
      `CREATE TABLE audit_events (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         ${ORG_COLUMN},
         occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         actor_subject text NOT NULL,
         actor_role text NOT NULL,
         actor_type text NOT NULL,
         api_key_id uuid,
         request_id text,
         action text NOT NULL,
         resource_type text NOT NULL,
         resource_id text,
         changes jsonb,
         details jsonb
       )`,
      `CREATE INDEX audit_events_org_time ON audit_events (organization_id, occurred_at DESC, id DESC)`,
      `CREATE INDEX audit_events_resource ON audit_events (organization_id, resource_type, resource_id)`,
      ...tenantTable('audit_events'),
      `CREATE TABLE idempotency_keys (
         ${ORG_COLUMN},
         key text NOT NULL,
         method text NOT NULL,
         route text NOT NULL,
         request_hash text NOT NULL,
         state text NOT NULL CHECK (state IN ('running', 'done')),
         response_status int,
         response_body jsonb,
         response_headers jsonb,
         locked_at timestamptz NOT NULL DEFAULT now(),
         expires_at timestamptz NOT NULL,
         PRIMARY KEY (organization_id, key)
       )`,
      `CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at)`,
      ...tenantTable('idempotency_keys'),
    ];
    for (const s of statements) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['idempotency_keys', 'audit_events', 'api_keys', 'organizations']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
    await q.query('DROP FUNCTION IF EXISTS api_key_identity(bytea)');
    await q.query('DROP FUNCTION IF EXISTS app_org()');
  }
}
