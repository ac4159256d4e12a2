/**
 * Validation and quoting of the SQL names and literals that DsqlDatabaseRole writes into statements.
 *
 * Shared by the construct (synth time: values known then are checked there, with the project's error
 * form) and by the custom resource handler (runtime: every value is checked again, because tokens are only
 * resolved at deploy time and the handler must never trust its input). Pure functions, no dependencies:
 * the handler bundle includes this file.
 *
 * The rules are deliberately narrower than PostgreSQL's: a managed name is lower-case ASCII, so the same
 * name works quoted and unquoted, cannot be confused with a look-alike, and never needs escaping. Quoting is
 * applied anyway (defence in depth).
 */

/** PostgreSQL's NAMEDATALEN - 1: identifiers longer than this are silently truncated by the server. */
export const MAX_IDENTIFIER_BYTES = 63;

/** A managed identifier: lower-case ASCII letter or underscore, then lower-case letters, digits, underscores. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Role names that cannot be managed: the DSQL `admin` role, PostgreSQL's bootstrap superuser, and the names
 * PostgreSQL reserves for role specifications.
 */
const RESERVED_ROLE_NAMES = new Set([
  'admin', 'postgres', 'public', 'none', 'current_user', 'current_role', 'session_user', 'user', 'system_user',
]);

/** Prefixes of system roles (PostgreSQL `pg_*`; AWS- and DSQL-managed roles). */
const RESERVED_ROLE_PREFIXES = ['pg_', 'aws_', 'dsql_', 'rds_', 'sys_'];

/** Schemas whose privileges are the system's, not the application's. */
const SYSTEM_SCHEMAS = new Set(['information_schema', 'sys', 'pg_catalog', 'pg_toast']);

/**
 * PostgreSQL's reserved key words (appendix C, "reserved" and "reserved (can be function or type)"). A role
 * or schema named like one works only when quoted, so every hand-written `SET ROLE select` would fail.
 */
const RESERVED_KEYWORDS = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'authorization', 'binary', 'both',
  'case', 'cast', 'check', 'collate', 'collation', 'column', 'concurrently', 'constraint', 'create', 'cross',
  'current_catalog', 'current_date', 'current_role', 'current_schema', 'current_time', 'current_timestamp',
  'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch',
  'for', 'foreign', 'freeze', 'from', 'full', 'grant', 'group', 'having', 'ilike', 'in', 'initially', 'inner',
  'intersect', 'into', 'is', 'isnull', 'join', 'lateral', 'leading', 'left', 'like', 'limit', 'localtime',
  'localtimestamp', 'natural', 'not', 'notnull', 'null', 'offset', 'on', 'only', 'or', 'order', 'outer',
  'overlaps', 'placing', 'primary', 'references', 'returning', 'right', 'select', 'session_user', 'similar',
  'some', 'symmetric', 'system_user', 'table', 'tablesample', 'then', 'to', 'trailing', 'true', 'union', 'unique',
  'user', 'using', 'variadic', 'verbose', 'when', 'where', 'window', 'with',
]);

/**
 * An IAM role or user ARN that DSQL can map with `AWS IAM GRANT`: no wildcards, no account root, no
 * assumed-role session, and a path and name made of the characters IAM allows in names (which excludes
 * quotes, backslashes, spaces and every non-ASCII character).
 */
const MAPPABLE_ARN = /^arn:aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?:iam::\d{12}:(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * Describe the first character that is not printable, non-space ASCII, e.g.
 * `a non-ASCII character (U+0430 at position 2)`.
 */
function firstUnexpectedCharacter(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const code = value.codePointAt(i)!;
    if (code < 0x21 || code > 0x7e) {
      const where = `U+${code.toString(16).toUpperCase().padStart(4, '0')} at position ${i}`;
      return code > 0x7e
        ? `contains a non-ASCII character (${where}); look-alike letters such as Cyrillic "а" are refused`
        : `contains a space or control character (${where})`;
    }
  }
  return undefined;
}

/** Why a value is not a valid managed identifier (the role-independent rules), or undefined. */
function identifierProblem(value: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'is empty';
  const unexpected = firstUnexpectedCharacter(value);
  if (unexpected) return unexpected;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) {
    return `is ${bytes} bytes long; PostgreSQL truncates identifiers to ${MAX_IDENTIFIER_BYTES} bytes`;
  }
  if (!IDENTIFIER.test(value)) {
    return 'must start with a lower-case letter or underscore and contain only lower-case letters, digits and underscores';
  }
  return undefined;
}

/**
 * Why `name` cannot be a role managed by DsqlDatabaseRole, or undefined when it can.
 */
export function roleNameProblem(name: string): string | undefined {
  const basic = identifierProblem(name);
  if (basic) return basic;
  if (RESERVED_ROLE_NAMES.has(name)) {
    return `is a reserved role name (${name === 'admin' ? 'the Aurora DSQL admin role cannot be managed' : 'PostgreSQL reserves it'})`;
  }
  const prefix = RESERVED_ROLE_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `starts with "${prefix}", which is reserved for system roles`;
  if (RESERVED_KEYWORDS.has(name)) return 'is a PostgreSQL reserved key word';
  return undefined;
}

/**
 * Why `name` cannot be a schema that DsqlDatabaseRole grants privileges on, or undefined when it can.
 */
export function schemaNameProblem(name: string): string | undefined {
  const basic = identifierProblem(name);
  if (basic) return basic;
  if (SYSTEM_SCHEMAS.has(name) || name.startsWith('pg_')) return 'is a system schema';
  if (RESERVED_KEYWORDS.has(name)) return 'is a PostgreSQL reserved key word';
  return undefined;
}

/**
 * Why `arn` cannot be mapped to a database role with `AWS IAM GRANT`, or undefined when it can.
 */
export function principalArnProblem(arn: string): string | undefined {
  if (typeof arn !== 'string' || arn.length === 0) return 'is empty';
  const unexpected = firstUnexpectedCharacter(arn);
  if (unexpected) return unexpected;
  if (arn.length > 2048) return 'is longer than 2048 characters';
  if (/^arn:[^:]+:sts::\d{12}:assumed-role\//.test(arn)) {
    return 'is an assumed-role session ARN; map the role itself (arn:<partition>:iam::<account>:role/<name>)';
  }
  if (!MAPPABLE_ARN.test(arn)) {
    return 'is not the ARN of an IAM role or user (arn:<partition>:iam::<account>:role/<name> or :user/<name>, '
      + 'no wildcards, quotes or spaces)';
  }
  return undefined;
}

/** An error raised for a name or ARN that fails validation. */
export class InvalidSqlNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSqlNameError';
  }
}

function check(what: string, value: string, problem: string | undefined): string {
  if (problem) throw new InvalidSqlNameError(`${what} ${JSON.stringify(value)} ${problem}`);
  return value;
}

/** Return `name` unchanged if it is a manageable role name, else throw InvalidSqlNameError. */
export function assertRoleName(name: string): string {
  return check('roleName', name, roleNameProblem(name));
}

/** Return `name` unchanged if it is a valid schema name, else throw InvalidSqlNameError. */
export function assertSchemaName(name: string): string {
  return check('schema', name, schemaNameProblem(name));
}

/** Return `arn` unchanged if it can be mapped, else throw InvalidSqlNameError. */
export function assertPrincipalArn(arn: string): string {
  return check('principal ARN', arn, principalArnProblem(arn));
}

/**
 * Quote an identifier for PostgreSQL: wrap in double quotes and double every embedded double quote.
 * NUL cannot be represented and is refused.
 */
export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) throw new InvalidSqlNameError('an identifier cannot contain NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Quote a string literal for PostgreSQL with standard_conforming_strings on (the default since 9.1, and the
 * only mode of Aurora DSQL): wrap in single quotes and double every embedded single quote. Backslashes and NUL
 * are refused, so the literal means the same whatever the server's settings.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0') || value.includes('\\')) {
    throw new InvalidSqlNameError('a literal cannot contain NUL or a backslash');
  }
  return `'${value.replace(/'/g, "''")}'`;
}
