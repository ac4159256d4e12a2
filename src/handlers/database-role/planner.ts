/**
 * The planner: from the desired state of a database role (and, on update, the previous desired state) and
 * the state observed on the cluster, the ordered list of SQL statements that makes the cluster match.
 *
 * Pure and synchronous: no I/O, no clock. Every statement is one DDL statement, to run in its own
 * transaction. Identifiers are validated by parseProperties and quoted again here.
 */
import { ADMIN_ROLE, DesiredRole, SCHEMA_PRIVILEGES, SchemaGrant, SchemaPrivilege, TABLE_PRIVILEGES, TablePrivilege } from './properties';
import { quoteIdentifier as ident, quoteLiteral as literal } from '../../private/sql-identifiers';

/** What the handler observed on the cluster before planning. */
export interface ObservedState {
  /** Whether a role of that name exists. */
  readonly roleExists: boolean;
  /** Whether the existing role may log in (ignored when it does not exist). */
  readonly roleCanLogin: boolean;
  /** IAM ARNs mapped to the role (`sys.iam_pg_role_mappings` on Aurora DSQL). */
  readonly mappedArns: readonly string[];
  /** Which of the schemas named in the desired or previous state exist. */
  readonly existingSchemas: readonly string[];
  /**
   * Of those, the ones owned (themselves or some of their tables) by roles whose privileges `admin` does not
   * hold. Absent: none.
   */
  readonly foreignOwners?: readonly SchemaOwners[];
}

/** The roles other than `admin` that own a schema or tables in it, and whose privileges `admin` lacks. */
export interface SchemaOwners {
  readonly schema: string;
  readonly owners: readonly string[];
}

/** Why a statement is in the plan (used in logs and error messages). */
export type StatementPurpose =
  | 'create role' | 'enable login' | 'drop role'
  | 'map IAM principal' | 'unmap IAM principal'
  | 'grant schema privileges' | 'revoke schema privileges'
  | 'grant table privileges' | 'revoke table privileges'
  | 'take owner role' | 'give up owner role'
  | 'create ownership schema' | 'create ownership table' | 'record ownership' | 'release ownership';

/** One statement of a plan. */
export interface PlannedStatement {
  readonly sql: string;
  readonly purpose: StatementPurpose;
  /** True for Aurora DSQL extensions (`AWS IAM GRANT/REVOKE`) that PostgreSQL does not understand. */
  readonly dsqlOnly: boolean;
  /** Bind parameters (`$1`, `$2`, ...) of a DML statement. */
  readonly params?: readonly string[];
  /** The owner role that a `take owner role` or `give up owner role` statement is about. */
  readonly owner?: string;
  /** The schema a GRANT or REVOKE of privileges is on. */
  readonly schema?: string;
}

/** A statement of a plan. */
export function stmt(purpose: StatementPurpose, sql: string, dsqlOnly = false, params?: readonly string[]): PlannedStatement {
  return params ? { sql, purpose, dsqlOnly, params } : { sql, purpose, dsqlOnly };
}

/** `AWS IAM GRANT "role" TO 'arn'` (Aurora DSQL). */
export function iamGrant(role: string, arn: string): PlannedStatement {
  return stmt('map IAM principal', `AWS IAM GRANT ${ident(role)} TO ${literal(arn)}`, true);
}

/** `AWS IAM REVOKE "role" FROM 'arn'` (Aurora DSQL). */
export function iamRevoke(role: string, arn: string): PlannedStatement {
  return stmt('unmap IAM principal', `AWS IAM REVOKE ${ident(role)} FROM ${literal(arn)}`, true);
}

function grantSchema(role: string, schema: string, privileges: readonly SchemaPrivilege[]): PlannedStatement {
  return { ...stmt('grant schema privileges', `GRANT ${privileges.join(', ')} ON SCHEMA ${ident(schema)} TO ${ident(role)}`), schema };
}

function revokeSchema(role: string, schema: string, privileges: readonly SchemaPrivilege[]): PlannedStatement {
  return { ...stmt('revoke schema privileges', `REVOKE ${privileges.join(', ')} ON SCHEMA ${ident(schema)} FROM ${ident(role)}`), schema };
}

function grantTables(role: string, schema: string, privileges: readonly TablePrivilege[]): PlannedStatement {
  return { ...stmt('grant table privileges', `GRANT ${privileges.join(', ')} ON ALL TABLES IN SCHEMA ${ident(schema)} TO ${ident(role)}`), schema };
}

function revokeTables(role: string, schema: string, privileges: readonly TablePrivilege[]): PlannedStatement {
  return { ...stmt('revoke table privileges', `REVOKE ${privileges.join(', ')} ON ALL TABLES IN SCHEMA ${ident(schema)} FROM ${ident(role)}`), schema };
}

/**
 * Wrap the statements that grant or revoke on schemas owned by other roles (or holding their tables):
 * `admin` grants itself each owner role first, before anything else changes (so a refusal leaves everything
 * as it was), and gives each up at the end. This is the way the Aurora DSQL user guide documents: `admin`
 * cannot grant or revoke on objects other roles created, and can grant itself any other role
 * ("Considerations for working with Amazon Aurora DSQL"). The executor gives the roles up even when a statement
 * in between fails.
 */
function withOwnerRoles(plan: PlannedStatement[], observed: ObservedState): PlannedStatement[] {
  const schemasTouched = new Set(plan.map((p) => p.schema).filter((x) => x !== undefined));
  const owners = [...new Set((observed.foreignOwners ?? []).filter((o) => schemasTouched.has(o.schema)).flatMap((o) => o.owners))].sort();
  if (owners.length === 0) return plan;
  return [
    ...owners.map((o) => ({ ...stmt('take owner role', `GRANT ${ident(o)} TO ${ident(ADMIN_ROLE)}`), owner: o })),
    ...plan,
    ...owners.map((o) => ({ ...stmt('give up owner role', `REVOKE ${ident(o)} FROM ${ident(ADMIN_ROLE)}`), owner: o })),
  ];
}

function grantOf(grants: readonly SchemaGrant[], schema: string): SchemaGrant | undefined {
  return grants.find((g) => g.schema === schema);
}

/**
 * Statements that take away what `previous` granted and `desired` no longer does. Schemas that no longer
 * exist are skipped (their privileges went with them). Table privileges are revoked before the schema's own.
 */
function revokeRemoved(
  role: string, previous: readonly SchemaGrant[], desired: readonly SchemaGrant[], existing: readonly string[],
): PlannedStatement[] {
  const out: PlannedStatement[] = [];
  for (const old of previous) {
    if (!existing.includes(old.schema)) continue;
    const now = grantOf(desired, old.schema);
    const tables = TABLE_PRIVILEGES.filter((p) => old.tablePrivileges.includes(p) && !now?.tablePrivileges.includes(p));
    const schema = SCHEMA_PRIVILEGES.filter((p) => old.schemaPrivileges.includes(p) && !now?.schemaPrivileges.includes(p));
    if (tables.length > 0) out.push(revokeTables(role, old.schema, tables));
    if (schema.length > 0) out.push(revokeSchema(role, old.schema, schema));
  }
  return out;
}

/**
 * Plan a create or an update.
 *
 * Order: make sure the role exists and may log in; take away mappings and privileges that are no longer
 * wanted; grant the wanted privileges (again: GRANT is idempotent, and `ALL TABLES` then also covers tables
 * created since the last run); map the IAM principals last, so a principal never logs in to a half-built role.
 *
 * The principal list is authoritative: a mapping to this role that is not declared (left by a previous
 * version or added by hand) is revoked.
 *
 * @param previous the desired state of the previous deployment (on an in-place update), if any
 */
export function planApply(desired: DesiredRole, observed: ObservedState, previous?: Pick<DesiredRole, 'roleName' | 'grants'>): PlannedStatement[] {
  const role = desired.roleName;
  const plan: PlannedStatement[] = [];

  if (!observed.roleExists) {
    plan.push(stmt('create role', `CREATE ROLE ${ident(role)} WITH LOGIN`));
  } else if (!observed.roleCanLogin) {
    plan.push(stmt('enable login', `ALTER ROLE ${ident(role)} WITH LOGIN`));
  }

  const mapped = observed.roleExists ? observed.mappedArns : [];
  for (const arn of mapped) {
    if (!desired.principalArns.includes(arn)) plan.push(iamRevoke(role, arn));
  }

  if (observed.roleExists && previous && previous.roleName === role) {
    plan.push(...revokeRemoved(role, previous.grants, desired.grants, observed.existingSchemas));
  }

  for (const g of desired.grants) {
    plan.push(grantSchema(role, g.schema, g.schemaPrivileges));
    if (g.tablePrivileges.length > 0) plan.push(grantTables(role, g.schema, g.tablePrivileges));
  }

  for (const arn of desired.principalArns) {
    if (!mapped.includes(arn)) plan.push(iamGrant(role, arn));
  }
  return withOwnerRoles(plan, observed);
}

/**
 * Plan a delete: unmap every IAM principal first (nobody can log in as the role any more), revoke the
 * declared privileges on the schemas that still exist, then drop the role. Nothing when the removal policy
 * retains the role or when the role does not exist.
 */
export function planDelete(desired: Pick<DesiredRole, 'roleName' | 'grants' | 'retain'>, observed: ObservedState): PlannedStatement[] {
  if (desired.retain || !observed.roleExists) return [];
  const role = desired.roleName;
  const plan: PlannedStatement[] = observed.mappedArns.map((arn) => iamRevoke(role, arn));
  plan.push(...revokeRemoved(role, desired.grants, [], observed.existingSchemas));
  plan.push(stmt('drop role', `DROP ROLE ${ident(role)}`));
  return withOwnerRoles(plan, observed);
}
