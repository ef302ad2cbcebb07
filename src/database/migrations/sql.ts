/**
 * Shared DDL for tenant tables: the organization column defaults to the transaction's
 * organization, and row-level security hides and refuses every other organization's rows.
 * FORCE: the policy binds the table's owner too, so even a connection that wrongly logs in
 * as the owner stays inside one organization (only superusers and BYPASSRLS roles escape).
 */
export function tenantTable(table: string): string[] {
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON ${table} USING (organization_id = app_org()) WITH CHECK (organization_id = app_org())`,
  ];
}

export const ORG_COLUMN = `organization_id uuid NOT NULL DEFAULT app_org()`;
