import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth client-credentials tokens name the API key they were issued for. Checking that the key
 * is still live happens before the organization is known, so, like api_key_identity, it goes
 * through one narrow SECURITY DEFINER door that returns only a live key's identity.
 */
export class ApiKeyTokens1763700000031 implements MigrationInterface {
  name = 'ApiKeyTokens1763700000031';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION api_key_identity_by_id(p_id uuid)
         RETURNS TABLE (id uuid, organization_id uuid, role text)
         LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
         AS $$ SELECT id, organization_id, role FROM api_keys WHERE id = p_id AND revoked_at IS NULL $$`);
    await q.query(`REVOKE ALL ON FUNCTION api_key_identity_by_id(uuid) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION api_key_identity_by_id(uuid) TO portfolio_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS api_key_identity_by_id(uuid)');
  }
}
