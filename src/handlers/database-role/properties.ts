/**
 * The contract between the DsqlDatabaseRole construct and its custom resource handler: the names of the
 * resource properties, and their parsing and validation at runtime.
 *
 * Pure (no AWS SDK, no pg): the construct imports it at synth time.
 */
import { CLUSTER_ID, REGION } from '../../private/facts/patterns';
import { assertPrincipalArn, assertRoleName, assertSchemaName, InvalidSqlNameError } from '../../private/sql-identifiers';

/** Privileges on a schema itself. */
export type SchemaPrivilege = 'USAGE' | 'CREATE';
/** Privileges on the tables of a schema. */
export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

export const SCHEMA_PRIVILEGES: readonly SchemaPrivilege[] = ['USAGE', 'CREATE'];
export const TABLE_PRIVILEGES: readonly TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/** The role the handler connects as (Aurora DSQL's predefined administrator, not a superuser). */
export const ADMIN_ROLE = 'admin';

/** The custom resource type, shown in CloudFormation. */
export const RESOURCE_TYPE = 'Custom::DsqlDatabaseRole';

/**
 * The schema in which the handler records the roles it created (`secure_dsql.managed_roles`). Only `admin`
 * can use it; a DsqlDatabaseRole may not be granted privileges on it.
 */
export const OWNERSHIP_SCHEMA = 'secure_dsql';

/**
 * The resource properties as written into the template. CloudFormation turns every scalar into a string,
 * so booleans travel as `'true'`/`'false'`.
 */
export interface DatabaseRoleResourceProperties {
  /** Host name the handler connects to and signs its token for (public or private). */
  readonly Endpoint: string;
  /** Region of the cluster (the token is signed for it). */
  readonly Region: string;
  /** Cluster identifier (part of the physical id: a different cluster means a new role). */
  readonly ClusterIdentifier: string;
  readonly RoleName: string;
  readonly PrincipalArns: string[];
  readonly SchemaPrivileges: Array<{ readonly Schema: string; readonly Privileges: string[]; readonly TablePrivileges: string[] }>;
  /** `retain` keeps the role, its mappings and its privileges when the resource is deleted. */
  readonly RemovalPolicy: 'retain' | 'destroy';
  /** `true` lets the handler take over a role that exists and was not created by this stack. */
  readonly AdoptExisting: 'true' | 'false';
}

/** Privileges of the role on one schema. */
export interface SchemaGrant {
  readonly schema: string;
  readonly schemaPrivileges: readonly SchemaPrivilege[];
  readonly tablePrivileges: readonly TablePrivilege[];
}

/** The parsed and validated desired state of one database role. */
export interface DesiredRole {
  readonly endpoint: string;
  readonly region: string;
  readonly clusterIdentifier: string;
  readonly roleName: string;
  readonly principalArns: readonly string[];
  readonly grants: readonly SchemaGrant[];
  readonly retain: boolean;
  /** Whether a role that exists and was not created by this stack may be taken over. */
  readonly adoptExisting: boolean;
}

const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value)) throw new InvalidSqlNameError(`${what} must be a list (got ${JSON.stringify(value)})`);
  return value;
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new InvalidSqlNameError(`${what} must be a string (got ${JSON.stringify(value)})`);
  return value;
}

function privileges<T extends string>(value: unknown, allowed: readonly T[], what: string): T[] {
  const out: T[] = [];
  for (const item of list(value, what)) {
    const p = str(item, what).toUpperCase() as T;
    if (!allowed.includes(p)) throw new InvalidSqlNameError(`${what} contains ${JSON.stringify(item)}; allowed: ${allowed.join(', ')}`);
    if (out.includes(p)) throw new InvalidSqlNameError(`${what} lists ${p} twice`);
    out.push(p);
  }
  // Canonical order, so that plans (and tests) do not depend on the order the user wrote them in.
  return allowed.filter((a) => out.includes(a));
}

/**
 * Parse and validate resource properties. Throws InvalidSqlNameError with a precise message on any value
 * that is not exactly what the construct writes.
 */
export function parseProperties(raw: Record<string, unknown> | undefined): DesiredRole {
  if (!raw) throw new InvalidSqlNameError('the resource has no properties');
  const endpoint = str(raw.Endpoint, 'Endpoint');
  if (!HOST.test(endpoint) || endpoint.length > 253) {
    throw new InvalidSqlNameError(`Endpoint ${JSON.stringify(endpoint)} is not a host name`);
  }
  const region = str(raw.Region, 'Region');
  if (!REGION.test(region)) throw new InvalidSqlNameError(`Region ${JSON.stringify(region)} is not an AWS Region`);
  const clusterIdentifier = str(raw.ClusterIdentifier, 'ClusterIdentifier');
  if (!CLUSTER_ID.test(clusterIdentifier)) {
    throw new InvalidSqlNameError(`ClusterIdentifier ${JSON.stringify(clusterIdentifier)} is not a cluster identifier`);
  }
  const roleName = assertRoleName(str(raw.RoleName, 'RoleName'));

  const principalArns: string[] = [];
  for (const item of list(raw.PrincipalArns, 'PrincipalArns')) {
    const arn = assertPrincipalArn(str(item, 'PrincipalArns'));
    if (principalArns.includes(arn)) throw new InvalidSqlNameError(`PrincipalArns lists ${arn} twice`);
    principalArns.push(arn);
  }

  const grants: SchemaGrant[] = [];
  for (const item of list(raw.SchemaPrivileges, 'SchemaPrivileges')) {
    if (typeof item !== 'object' || item === null) throw new InvalidSqlNameError('SchemaPrivileges entries must be objects');
    const entry = item as Record<string, unknown>;
    const schema = assertSchemaName(str(entry.Schema, 'SchemaPrivileges.Schema'));
    if (schema === OWNERSHIP_SCHEMA) {
      throw new InvalidSqlNameError(`SchemaPrivileges names schema ${OWNERSHIP_SCHEMA}, where the handler records the roles it manages: no role may be granted privileges on it`);
    }
    if (grants.some((g) => g.schema === schema)) throw new InvalidSqlNameError(`SchemaPrivileges lists schema ${schema} twice`);
    const schemaPrivileges = privileges(entry.Privileges, SCHEMA_PRIVILEGES, `SchemaPrivileges[${schema}].Privileges`);
    const tablePrivileges = privileges(entry.TablePrivileges, TABLE_PRIVILEGES, `SchemaPrivileges[${schema}].TablePrivileges`);
    if (!schemaPrivileges.includes('USAGE')) {
      throw new InvalidSqlNameError(`SchemaPrivileges[${schema}] must include USAGE (without it no other privilege is usable)`);
    }
    grants.push({ schema, schemaPrivileges, tablePrivileges });
  }

  const removal = raw.RemovalPolicy ?? 'destroy';
  if (removal !== 'retain' && removal !== 'destroy') {
    throw new InvalidSqlNameError(`RemovalPolicy must be "retain" or "destroy" (got ${JSON.stringify(removal)})`);
  }
  const adopt = raw.AdoptExisting ?? 'false';
  if (adopt !== 'true' && adopt !== 'false') {
    throw new InvalidSqlNameError(`AdoptExisting must be "true" or "false" (got ${JSON.stringify(adopt)})`);
  }
  return { endpoint, region, clusterIdentifier, roleName, principalArns, grants, retain: removal === 'retain', adoptExisting: adopt === 'true' };
}

/**
 * The physical id of the custom resource. A different cluster or role name is a different database role:
 * CloudFormation then creates the new one and deletes the old one.
 */
export function physicalId(role: Pick<DesiredRole, 'clusterIdentifier' | 'roleName'>): string {
  return `${role.clusterIdentifier}/${role.roleName}`;
}
