/**
 * The executor: reads the observed state, and runs a plan one statement per transaction, retrying
 * concurrency conflicts with bounded exponential backoff. Errors name the statement that failed and
 * never contain the authentication token.
 */
import { ObservedState, PlannedStatement } from './planner';
import { DesiredRole } from './properties';

/** The part of a `pg.Client` the executor uses. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
}

/**
 * The Aurora DSQL-only parts, pluggable so that everything else can be tested against PostgreSQL.
 */
export interface Dialect {
  /** The IAM ARNs mapped to `roleName`. */
  readMappings(db: Queryable, roleName: string): Promise<string[]>;
  /** Run one statement (plain SQL, or an `AWS IAM` statement when `statement.dsqlOnly`). */
  execute(db: Queryable, statement: PlannedStatement): Promise<void>;
}

/** Aurora DSQL: mappings come from `sys.iam_pg_role_mappings`; every statement is sent as it is. */
export const DSQL_DIALECT: Dialect = {
  async readMappings(db, roleName) {
    const result = await db.query('SELECT arn FROM sys.iam_pg_role_mappings WHERE pg_role_name = $1', [roleName]);
    return result.rows.map((r) => String(r.arn)).sort();
  },
  async execute(db, statement) {
    await db.query(statement.sql, statement.params ? [...statement.params] : undefined);
  },
};

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
  };
}

/** SQLSTATEs that mean "a concurrent transaction conflicted; run it again". */
export const RETRYABLE_CODES: readonly string[] = [
  'OC000', // Aurora DSQL: data conflict with another transaction
  'OC001', // Aurora DSQL: the schema was changed by another transaction
  '40001', // serialization_failure
];

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
 * Whether an error is a concurrency conflict worth retrying: one of RETRYABLE_CODES, or PostgreSQL's own form
 * of a concurrent catalog update (`XX000 tuple concurrently updated`, raised when two sessions GRANT on the
 * same object at once; Aurora DSQL reports the same situation as OC001).
 */
export function isConflict(error: unknown): boolean {
  const code = sqlState(error);
  if (code !== undefined && RETRYABLE_CODES.includes(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return code === 'XX000' && /^tuple concurrently (updated|deleted)$/.test(message);
}

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
  switch (code) {
    case '3F000': return ' Create the schema before deploying the role, or remove it from schemaPrivileges.';
    case '2BP01': return ' The role still owns objects or holds privileges granted outside this construct: reassign or revoke them '
      + '(REASSIGN OWNED / REVOKE), or set removalPolicy to RETAIN to keep the role.';
    case '42501': return ' The admin role lacks a privilege it needs for this statement.';
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
 */
export async function executePlan(db: Queryable, dialect: Dialect, plan: readonly PlannedStatement[], options: ExecuteOptions = {}): Promise<void> {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const secrets = options.secrets ?? [];
  const log = options.log ?? (() => undefined);
  for (const [index, statement] of plan.entries()) {
    const label = `statement ${index + 1} of ${plan.length} (${statement.purpose})`;
    for (let attempt = 1; ; attempt++) {
      try {
        log(redact(`${label}: ${statement.sql}`, secrets));
        await dialect.execute(db, statement);
        break;
      } catch (error) {
        const code = sqlState(error);
        const reason = redact(error instanceof Error ? error.message : String(error), secrets);
        if (isConflict(error) && attempt < retry.maxAttempts) {
          const delay = backoffDelay(attempt, retry);
          log(`${label}: conflict ${code} on attempt ${attempt}, retrying in ${delay} ms`);
          await retry.sleep(delay);
          continue;
        }
        const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
        throw new StatementFailedError(
          redact(`${label} failed${tries}: ${statement.sql}: ${code ? `[${code}] ` : ''}${reason}.${hint(code, statement)}`, secrets),
          statement, code);
      }
    }
  }
}
