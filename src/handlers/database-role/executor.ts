/**
 * The executor: reads the observed state, and runs a plan one statement per transaction, retrying
 * concurrency conflicts with bounded exponential backoff. Errors name the statement that failed and
 * never contain the authentication token.
 */
import { ObservedState, PlannedStatement, SchemaOwners } from './planner';
import { DesiredRole, OWNERSHIP_SCHEMA } from './properties';

/** A notice or warning the server sent with a statement's result (PostgreSQL NoticeResponse). */
export interface SqlNotice {
  /** SQLSTATE, e.g. `01007` (privilege not granted). */
  readonly code?: string;
  readonly message: string;
}

/** The result of one statement. */
export interface QueryResult {
  readonly rows: any[];
  /** The notices and warnings the server sent while running it (the production session collects them). */
  readonly notices?: readonly SqlNotice[];
}

/** The part of a `pg.Client` the executor uses. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
}

/**
 * The Aurora DSQL-only parts, pluggable so that everything else can be tested against PostgreSQL.
 */
export interface Dialect {
  /** The IAM ARNs mapped to `roleName`. */
  readMappings(db: Queryable, roleName: string): Promise<string[]>;
  /**
   * Run one statement (plain SQL, or an `AWS IAM` statement when `statement.dsqlOnly`); returns the notices the
   * server sent with it.
   */
  execute(db: Queryable, statement: PlannedStatement): Promise<readonly SqlNotice[] | void>;
}

/** Aurora DSQL: mappings come from `sys.iam_pg_role_mappings`; every statement is sent as it is. */
export const DSQL_DIALECT: Dialect = {
  async readMappings(db, roleName) {
    const result = await db.query('SELECT arn FROM sys.iam_pg_role_mappings WHERE pg_role_name = $1', [roleName]);
    return result.rows.map((r) => String(r.arn)).sort();
  },
  async execute(db, statement) {
    const result = await db.query(statement.sql, statement.params ? [...statement.params] : undefined);
    return result.notices;
  },
};

/**
 * The roles other than `admin` that own the schemas named in `schemas`, or tables (views) in them, and whose
 * privileges `admin` does not hold: on Aurora DSQL `admin` cannot grant or revoke on them until it grants
 * itself the owner role ("Considerations for working with Amazon Aurora DSQL"). Catalog reads only.
 */
async function foreignOwners(db: Queryable, schemas: readonly string[]): Promise<SchemaOwners[]> {
  if (schemas.length === 0) return [];
  // A plain IN list of parameters (no array parameter), one per schema.
  const names = schemas.map((_, i) => `$${i + 1}`).join(', ');
  const notHeld = 'r.rolname <> current_user AND NOT pg_catalog.pg_has_role(current_user, r.oid, \'USAGE\')';
  const result = await db.query(
    'SELECT n.nspname AS schema, r.rolname AS owner FROM pg_catalog.pg_namespace n '
    + `JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner WHERE n.nspname IN (${names}) AND ${notHeld} `
    + 'UNION SELECT n.nspname, r.rolname FROM pg_catalog.pg_class c '
    + 'JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_roles r ON r.oid = c.relowner '
    + `WHERE n.nspname IN (${names}) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${notHeld}`,
    [...schemas]);
  const out = new Map<string, Set<string>>();
  for (const row of result.rows) {
    const set = out.get(String(row.schema)) ?? new Set<string>();
    set.add(String(row.owner));
    out.set(String(row.schema), set);
  }
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([schema, owners]) => ({ schema, owners: [...owners].sort() }));
}

/** Read what the planner needs to know about the role and the schemas named in `states`. */
export async function observe(db: Queryable, dialect: Dialect, roleName: string, ...states: Array<Pick<DesiredRole, 'grants'> | undefined>): Promise<ObservedState> {
  const role = await db.query('SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = $1', [roleName]);
  const roleExists = role.rows.length > 0;
  const wanted = new Set(states.flatMap((s) => s?.grants.map((g) => g.schema) ?? []));
  let existingSchemas: string[] = [];
  if (wanted.size > 0) {
    const schemas = await db.query('SELECT nspname FROM pg_catalog.pg_namespace');
    existingSchemas = schemas.rows.map((r) => String(r.nspname)).filter((n) => wanted.has(n)).sort();
  }
  return {
    roleExists,
    roleCanLogin: roleExists && role.rows[0].rolcanlogin === true,
    mappedArns: roleExists ? await dialect.readMappings(db, roleName) : [],
    existingSchemas,
    foreignOwners: await foreignOwners(db, existingSchemas),
  };
}

/**
 * The SQLSTATE of a concurrency conflict: Aurora DSQL returns `40001` (serialization_failure) with the kind in
 * the message, `OC000` (data conflict) or `OC001` (schema changed by another transaction) ("Concurrency
 * control in Aurora DSQL"). OC000/OC001 are never SQLSTATEs.
 */
export const CONFLICT_CODE = '40001';

/** The OCC kind named in a conflict message (`OC000`, `OC001`), if any. */
export function conflictKind(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  return /\b(OC00\d)\b/.exec(message)?.[1];
}

export interface RetryOptions {
  /** Attempts per statement, the first included. */
  readonly maxAttempts: number;
  /** Delay before the first retry, in ms; doubled each time. */
  readonly baseDelayMs: number;
  /** Upper bound of one delay, in ms. */
  readonly maxDelayMs: number;
  /** Wait (injectable for tests). */
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1) (injectable for tests). */
  readonly random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Retries of a refused login, distinct from the conflict retries above: a change of the cluster's
 * resource-based policy (or of the endpoint policy) is eventually consistent and "typically takes effect
 * within one minute" (Aurora DSQL user guide, "Resource-based policies for Aurora DSQL"), so when one
 * deployment changes the policy and the roles, the first connections may be refused.
 */
export interface AuthorizationRetryOptions {
  /** Delay before the first retry, in ms; doubled each time. */
  readonly baseDelayMs: number;
  /** Upper bound of one delay, in ms. */
  readonly maxDelayMs: number;
  /** Upper bound of all delays together, in ms. */
  readonly maxTotalMs: number;
  /** Wait (injectable for tests). */
  readonly sleep: (ms: number) => Promise<void>;
}

/** 2, 4, 8, 16, 20, 20, 20, 20 and 10 s: at most 2 minutes of waiting over 10 attempts. */
export const DEFAULT_AUTHORIZATION_RETRY: AuthorizationRetryOptions = {
  baseDelayMs: 2_000,
  maxDelayMs: 20_000,
  maxTotalMs: 120_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The delays between the attempts to connect while the login is refused, in order. */
export function authorizationDelays(options: Omit<AuthorizationRetryOptions, 'sleep'>): number[] {
  const out: number[] = [];
  let total = 0;
  for (let retry = 1; total < options.maxTotalMs; retry++) {
    const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1), options.maxTotalMs - total);
    if (delay <= 0) break;
    out.push(delay);
    total += delay;
  }
  return out;
}

/**
 * SQLSTATEs of a refused login: class 28, invalid authorization specification (PostgreSQL `28000`, and
 * `28P01` for a rejected password, which is how a refused IAM token arrives).
 */
export const AUTHORIZATION_CODES: readonly string[] = ['28000', '28P01'];

/**
 * Whether a connection error is a refused login: an AUTHORIZATION_CODES SQLSTATE, or a message of the
 * forms Aurora DSQL documents for refused IAM logins ("IAM authentication failed for user ...", "access
 * denied"). Network, DNS and TLS errors are not: retrying them for minutes would only hide them.
 */
export function isAuthorizationFailure(error: unknown): boolean {
  const code = sqlState(error);
  if (code !== undefined && AUTHORIZATION_CODES.includes(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /IAM authentication failed|access denied|not authorized to perform/i.test(message);
}

/** The delay before retry number `retry` (1-based): exponential, capped, with jitter in [d/2, d). */
export function backoffDelay(retry: number, options: RetryOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(ceiling / 2 + (ceiling / 2) * options.random());
}

/**
 * Whether an error is a concurrency conflict worth retrying: SQLSTATE CONFLICT_CODE (on Aurora DSQL with OC000
 * or OC001 in the message), or PostgreSQL's own form of a concurrent catalog update (`XX000 tuple concurrently
 * updated`, raised when two sessions GRANT on the same object at once; Aurora DSQL reports the same situation
 * as 40001 with OC001).
 */
export function isConflict(error: unknown): boolean {
  const code = sqlState(error);
  if (code === CONFLICT_CODE) return true;
  const message = error instanceof Error ? error.message : '';
  return code === 'XX000' && /^tuple concurrently (updated|deleted)$/.test(message);
}

/**
 * Run a read (catalog or ownership-record query), retrying conflicts as statements are retried: on Aurora
 * DSQL a read can fail with 40001 too.
 */
export async function readWithRetry<T>(what: string, read: () => Promise<T>, options: ExecuteOptions = {}): Promise<T> {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const log = options.log ?? (() => undefined);
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!isConflict(error) || attempt >= retry.maxAttempts) throw error;
      const delay = backoffDelay(attempt, retry);
      log(`${what}: conflict ${sqlState(error)}${conflictKind(error) ? ` (${conflictKind(error)})` : ''} on attempt ${attempt}, retrying in ${delay} ms`);
      await retry.sleep(delay);
    }
  }
}

/**
 * Warnings that mean a GRANT or REVOKE changed nothing: `01007` privilege_not_granted and `01006`
 * privilege_not_revoked. PostgreSQL sends them (and succeeds) when the grantor holds a privilege on the object
 * but not the grant option, e.g. `admin` on a table another role owns. A deployment that reported success
 * then would leave the role without the access it declares (or with access it no longer declares).
 */
export const NOTHING_CHANGED_CODES: readonly string[] = ['01007', '01006'];

/** The SQLSTATE of a pg error, if any. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A statement of the plan failed. The message names it and the database's reason. */
export class StatementFailedError extends Error {
  constructor(message: string, public readonly statement: PlannedStatement, public readonly code: string | undefined) {
    super(message);
    this.name = 'StatementFailedError';
  }
}

/** Remove every occurrence of each secret (and any SigV4 signature) from a message. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('<redacted>');
  }
  return out.replace(/X-Amz-(Signature|Security-Token|Credential)=[^&\s'"]+/gi, 'X-Amz-$1=<redacted>');
}

/** A hint for the errors a user can fix. */
function hint(code: string | undefined, statement: PlannedStatement): string {
  if (statement.purpose === 'take owner role') {
    return ` admin must grant itself role ${statement.owner}, which owns the schema or tables, to grant or revoke on them (admin is not `
      + 'a superuser). No role or privilege was changed. Make the objects admin\'s (ALTER ... OWNER TO admin), or let admin take the role '
      + '(on PostgreSQL: GRANT it to admin WITH ADMIN OPTION), or remove the schema from schemaPrivileges.';
  }
  if (NOTHING_CHANGED_CODES.includes(code ?? '')) {
    return ' The statement changed nothing: admin holds privileges on the object without the grant option, and does not own it nor '
      + 'hold its owner\'s privileges. Make admin the owner, or grant on it as its owner.';
  }
  switch (code) {
    case '3F000': return ' Create the schema before deploying the role, or remove it from schemaPrivileges.';
    case '2BP01': return ' The role still owns objects or holds privileges granted outside this construct: reassign or revoke them '
      + '(REASSIGN OWNED / REVOKE), or set removalPolicy to RETAIN to keep the role.';
    case '42501': return ' The admin role lacks a privilege it needs for this statement.';
    case '54000': return statement.purpose === 'create ownership schema'
      ? ` The handler records the roles it manages in schema ${OWNERSHIP_SCHEMA}, and the database has reached Aurora DSQL's limit `
        + 'of schemas per database (10, "Cluster quotas and database limits in Amazon Aurora DSQL"). Drop a schema you no longer use, '
        + 'then deploy again.'
      : '';
    default: return statement.dsqlOnly && code === '42601' ? ' Is the endpoint an Aurora DSQL cluster?' : '';
  }
}

export interface ExecuteOptions {
  readonly retry?: Partial<RetryOptions>;
  /** Strings that must never appear in an error message (the token). */
  readonly secrets?: readonly string[];
  /** Log one line (never receives secrets). */
  readonly log?: (line: string) => void;
}

/**
 * Run the plan in order, each statement in its own (implicit) transaction: the connection is in autocommit
 * mode, so every statement commits on its own and a conflict aborts only that statement, which is retried.
 *
 * A GRANT or REVOKE that the server answers with a NOTHING_CHANGED_CODES warning fails the plan. When the plan
 * fails, the `give up owner role` statements of the owner roles taken so far still run (best effort), so
 * `admin` never keeps an owner role it took for the plan.
 */
export async function executePlan(db: Queryable, dialect: Dialect, plan: readonly PlannedStatement[], options: ExecuteOptions = {}): Promise<void> {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const secrets = options.secrets ?? [];
  const log = options.log ?? (() => undefined);
  const runOne = async (statement: PlannedStatement, index: number): Promise<void> => {
    const label = `statement ${index + 1} of ${plan.length} (${statement.purpose})`;
    for (let attempt = 1; ; attempt++) {
      let notices: readonly SqlNotice[] | void;
      try {
        log(redact(`${label}: ${statement.sql}`, secrets));
        notices = await dialect.execute(db, statement);
      } catch (error) {
        const code = sqlState(error);
        const reason = redact(error instanceof Error ? error.message : String(error), secrets);
        if (isConflict(error) && attempt < retry.maxAttempts) {
          const delay = backoffDelay(attempt, retry);
          const kind = conflictKind(error);
          log(`${label}: conflict ${code}${kind ? ` (${kind})` : ''} on attempt ${attempt}, retrying in ${delay} ms`);
          await retry.sleep(delay);
          continue;
        }
        const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
        throw new StatementFailedError(
          redact(`${label} failed${tries}: ${statement.sql}: ${code ? `[${code}] ` : ''}${reason}.${hint(code, statement)}`, secrets),
          statement, code);
      }
      const unchanged = (notices ?? []).filter((n) => NOTHING_CHANGED_CODES.includes(n.code ?? ''));
      if (unchanged.length > 0) {
        const code = unchanged[0].code;
        throw new StatementFailedError(
          redact(`${label} failed: ${statement.sql}: ${unchanged.map((n) => `[${n.code}] ${n.message}`).join('; ')}.${hint(code, statement)}`, secrets),
          statement, code);
      }
      return;
    }
  };
  // The owner roles taken and not given up yet.
  const taken = new Set<string>();
  for (const [index, statement] of plan.entries()) {
    try {
      await runOne(statement, index);
    } catch (error) {
      for (const [later, giveUp] of plan.entries()) {
        if (later <= index || giveUp.purpose !== 'give up owner role' || !taken.has(giveUp.owner ?? '')) continue;
        await runOne(giveUp, later).catch((e) => log(`cleanup after the failure: ${e instanceof Error ? e.message : String(e)}`));
      }
      throw error;
    }
    if (statement.purpose === 'take owner role') taken.add(statement.owner ?? '');
    if (statement.purpose === 'give up owner role') taken.delete(statement.owner ?? '');
  }
}
