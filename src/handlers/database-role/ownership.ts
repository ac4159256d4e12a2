/**
 * The ownership record: which roles the library created, for which stack and custom resource, and what it
 * granted them. The handler adopts or drops a role only on the proof of this record (or when the user opts
 * in with `adoptExisting`).
 *
 * Stored in a table of its own, `secure_dsql.managed_roles`, which the handler creates (as `admin`) the first
 * time it needs it, because that form works on Aurora DSQL: `CREATE SCHEMA` and `CREATE TABLE` (with a
 * primary key) are supported DDL, `INSERT`, `UPDATE` and `DELETE` with `WHERE` supported DML ("Supported SQL
 * for Aurora DSQL" and "Supported subsets of SQL commands" in the user guide), whereas catalog comments
 * (`COMMENT ON ROLE`) are not among the supported commands. Each statement runs in its own transaction: one
 * DDL statement per transaction, never DDL and DML together ("Understanding DDL in Aurora DSQL"). No upsert
 * (`ON CONFLICT`) either, which the supported-DML list does not name: the handler reads the record first and
 * then inserts or updates it, and two stacks racing to create the same role fail on the primary key.
 *
 * A new schema grants nothing to `PUBLIC`, so only `admin` (its owner) can read or change the records; the
 * construct and the handler refuse `schemaPrivileges` on it.
 */
import { Queryable } from './executor';
import { PlannedStatement, stmt } from './planner';
import { OWNERSHIP_SCHEMA, SCHEMA_PRIVILEGES, SchemaGrant, SchemaPrivilege, TABLE_PRIVILEGES, TablePrivilege } from './properties';
import { assertSchemaName, quoteIdentifier as ident } from '../../private/sql-identifiers';

/** The table of the records. */
export const OWNERSHIP_TABLE = 'managed_roles';

const TABLE = `${ident(OWNERSHIP_SCHEMA)}.${ident(OWNERSHIP_TABLE)}`;

/** One record: a role the library created (or adopted on request). */
export interface OwnershipRecord {
  readonly roleName: string;
  /** The CloudFormation stack id of the DsqlDatabaseRole that manages it. */
  readonly owner: string;
  /** The logical id of that DsqlDatabaseRole's custom resource in the stack. */
  readonly resource: string;
  /** The removal policy last declared. */
  readonly removal: 'retain' | 'destroy';
  /** What the library granted (and so revokes when the grant is removed, or before it drops the role). */
  readonly grants: readonly SchemaGrant[];
}

/** `CREATE SCHEMA "secure_dsql"` (DDL, its own transaction). */
export function createOwnershipSchema(): PlannedStatement {
  return stmt('create ownership schema', `CREATE SCHEMA ${ident(OWNERSHIP_SCHEMA)}`);
}

/** `CREATE TABLE IF NOT EXISTS "secure_dsql"."managed_roles" (...)` (DDL, its own transaction). */
export function createOwnershipTable(): PlannedStatement {
  return stmt('create ownership table', `CREATE TABLE IF NOT EXISTS ${TABLE} (`
    + 'role_name text PRIMARY KEY, owner_stack text NOT NULL, resource text NOT NULL, removal text NOT NULL, grants text NOT NULL)');
}

function values(record: OwnershipRecord): string[] {
  const grants = record.grants.map((g) => ({ schema: g.schema, privileges: g.schemaPrivileges, tables: g.tablePrivileges }));
  return [record.roleName, record.owner, record.resource, record.removal, JSON.stringify(grants)];
}

/** Write a record: INSERT when there is none yet, else UPDATE (DML, its own transaction). */
export function writeOwnership(record: OwnershipRecord, exists: boolean): PlannedStatement {
  return exists
    ? stmt('record ownership', `UPDATE ${TABLE} SET owner_stack = $2, resource = $3, removal = $4, grants = $5 WHERE role_name = $1`, false, values(record))
    : stmt('record ownership', `INSERT INTO ${TABLE} (role_name, owner_stack, resource, removal, grants) VALUES ($1, $2, $3, $4, $5)`, false, values(record));
}

/** Delete the record of a dropped role, if it is still this owner's and resource's (DML, its own transaction). */
export function releaseOwnership(record: Pick<OwnershipRecord, 'roleName' | 'owner' | 'resource'>): PlannedStatement {
  return stmt('release ownership', `DELETE FROM ${TABLE} WHERE role_name = $1 AND owner_stack = $2 AND resource = $3`, false,
    [record.roleName, record.owner, record.resource]);
}

/** Whether the schema and the table exist. */
export async function ownershipState(db: Queryable): Promise<{ schema: boolean; table: boolean }> {
  const schema = await db.query('SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1', [OWNERSHIP_SCHEMA]);
  if (schema.rows.length === 0) return { schema: false, table: false };
  const table = await db.query('SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = $2', [OWNERSHIP_SCHEMA, OWNERSHIP_TABLE]);
  return { schema: true, table: table.rows.length > 0 };
}

function privilegeList<T extends string>(value: unknown, allowed: readonly T[]): T[] {
  if (!Array.isArray(value)) throw new Error('not a list');
  const out = value.map((v) => {
    if (!allowed.includes(v as T)) throw new Error(`unknown privilege ${JSON.stringify(v)}`);
    return v as T;
  });
  return allowed.filter((a) => out.includes(a));
}

/** Parse the stored grants; a record that does not parse is reported, never trusted. */
function parseGrants(json: string, roleName: string): SchemaGrant[] {
  try {
    const raw = JSON.parse(json);
    if (!Array.isArray(raw)) throw new Error('not a list');
    return raw.map((g) => ({
      schema: assertSchemaName(String(g.schema)),
      schemaPrivileges: privilegeList<SchemaPrivilege>(g.privileges, SCHEMA_PRIVILEGES),
      tablePrivileges: privilegeList<TablePrivilege>(g.tables, TABLE_PRIVILEGES),
    }));
  } catch (error) {
    throw new Error(`the ownership record of role ${roleName} in ${OWNERSHIP_SCHEMA}.${OWNERSHIP_TABLE} is malformed `
      + `(${error instanceof Error ? error.message : String(error)}): fix or delete it by hand`);
  }
}

/** The record of `roleName`, if the table exists and holds one. */
export async function readOwnership(db: Queryable, roleName: string): Promise<OwnershipRecord | undefined> {
  const result = await db.query(`SELECT owner_stack, resource, removal, grants FROM ${TABLE} WHERE role_name = $1`, [roleName]);
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    roleName,
    owner: String(row.owner_stack),
    resource: String(row.resource),
    removal: row.removal === 'retain' ? 'retain' : 'destroy',
    grants: parseGrants(String(row.grants), roleName),
  };
}

/** The union of two grant lists (what may have been granted while a change was half-applied). */
export function unionGrants(a: readonly SchemaGrant[], b: readonly SchemaGrant[]): SchemaGrant[] {
  const out = new Map<string, SchemaGrant>();
  for (const g of [...a, ...b]) {
    const seen = out.get(g.schema);
    out.set(g.schema, seen ? {
      schema: g.schema,
      schemaPrivileges: SCHEMA_PRIVILEGES.filter((p) => seen.schemaPrivileges.includes(p) || g.schemaPrivileges.includes(p)),
      tablePrivileges: TABLE_PRIVILEGES.filter((p) => seen.tablePrivileges.includes(p) || g.tablePrivileges.includes(p)),
    } : g);
  }
  return [...out.values()];
}
