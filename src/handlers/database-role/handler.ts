/**
 * The onEvent handler of the DsqlDatabaseRole provider, with its dependencies injectable.
 *
 * One handler serves every DsqlDatabaseRole of a stack on one cluster and placement. It trusts nothing but
 * its own configuration (./trust.ts): an event naming another cluster, host, Region or stack, an undeclared
 * role, or a state other than the declared one is refused before any connection is made. It changes or drops
 * only the roles its stack created, as the ownership record proves (./ownership.ts), unless the template
 * opts in to adopting an existing role.
 */
import {
  AuthorizationRetryOptions, authorizationDelays, DEFAULT_AUTHORIZATION_RETRY, Dialect, executePlan, isAuthorizationFailure,
  observe, Queryable, readWithRetry, RetryOptions, sqlState, StatementFailedError,
} from './executor';
import {
  createOwnershipSchema, createOwnershipTable, OwnershipRecord, ownershipState, readOwnership, releaseOwnership, unionGrants,
  writeOwnership,
} from './ownership';
import { planApply, planDelete, PlannedStatement } from './planner';
import { DesiredRole, parseProperties, physicalId } from './properties';
import { applyMismatches, EventRefusedError, targetMismatches, TrustedConfig } from './trust';

/** An open connection. */
export interface Session extends Queryable {
  end(): Promise<void>;
}

/** Where to connect. */
export interface ConnectionTarget {
  /** The host to connect to and to sign the token for. */
  readonly host: string;
  /** The cluster's Region. */
  readonly region: string;
  /** @default 5432 */
  readonly port?: number;
}

/** The fields of the Provider framework's onEvent request this handler reads. */
export interface OnEventRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  /** The stack of the custom resource (checked against the function's own). */
  readonly StackId?: string;
  /** The logical id of the custom resource in its stack (recorded as the owner of the role). */
  readonly LogicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

export interface HandlerDeps {
  /** What the template declared for this function (from its environment). */
  readonly trusted: TrustedConfig;
  /** Open an admin connection to the target. */
  readonly connect: (target: ConnectionTarget) => Promise<Session>;
  readonly dialect: Dialect;
  /** Retries of concurrency conflicts (SQLSTATE 40001, OC000/OC001 on Aurora DSQL), for statements and reads. */
  readonly retry?: Partial<RetryOptions>;
  /** Retries of refused logins while a policy change propagates. */
  readonly authorizationRetry?: Partial<AuthorizationRetryOptions>;
  readonly log?: (line: string) => void;
  /** Receives each plan before it runs (tests). */
  readonly onPlan?: (plan: readonly PlannedStatement[]) => void;
}

/** A role exists that this stack did not create, and the template did not opt in to adopting it. */
export class NotOwnedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotOwnedError';
  }
}

/** Every login was refused while the handler waited for the policies to admit it. */
export class AuthorizationTimeoutError extends Error {
  constructor(message: string, public readonly code: string | undefined) {
    super(message);
    this.name = 'AuthorizationTimeoutError';
  }
}

/** Parse properties leniently: properties that do not validate never created a role. */
function tryParse(raw: Record<string, unknown> | undefined): DesiredRole | undefined {
  try {
    return raw ? parseProperties(raw) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Connect, retrying refused logins with bounded exponential backoff (DEFAULT_AUTHORIZATION_RETRY: at most
 * 2 minutes of waiting). Other connection errors fail at once.
 */
async function connectWithRetry(deps: HandlerDeps, target: ConnectionTarget, log: (line: string) => void): Promise<Session> {
  const options: AuthorizationRetryOptions = { ...DEFAULT_AUTHORIZATION_RETRY, ...deps.authorizationRetry };
  const delays = authorizationDelays(options);
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.connect(target);
    } catch (error) {
      if (!isAuthorizationFailure(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      const delay = delays[attempt - 1];
      if (delay === undefined) {
        throw new AuthorizationTimeoutError(
          `the cluster refused the admin login ${attempt} times over ${Math.round(waited / 1000)} s (${reason}). `
          + 'The handler waited for the cluster\'s resource-based policy (and the endpoint policy, when it connects through one) '
          + 'to admit its role: policy changes take up to about a minute to apply. Check that the handler\'s role may call '
          + 'dsql:DbConnectAdmin on this cluster and that no policy denies it (connectConditions, the endpoint\'s allowedPrincipalArns, '
          + 'an SCP or a permissions boundary).', sqlState(error));
      }
      log(`connect to ${target.host}: login refused on attempt ${attempt} (${reason}); `
        + `waiting ${delay} ms for the cluster and endpoint policies to admit this function's role`);
      await options.sleep(delay);
      waited += delay;
    }
  }
}

async function withSession<T>(deps: HandlerDeps, work: (db: Session) => Promise<T>, log: (line: string) => void): Promise<T> {
  const db = await connectWithRetry(deps, { host: deps.trusted.host, region: deps.trusted.region }, log);
  try {
    return await work(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

/** Run statements, each in its own transaction, with the conflict retries. */
async function run(deps: HandlerDeps, db: Queryable, plan: readonly PlannedStatement[], log: (line: string) => void): Promise<void> {
  if (plan.length === 0) return;
  deps.onPlan?.(plan);
  await executePlan(db, deps.dialect, plan, { retry: deps.retry, log });
}

/**
 * Create the ownership schema and table if they are missing. Concurrent handlers may race: a duplicate
 * (42P06 schema, 42P07 table, or what PostgreSQL raises when the other transaction wins on its catalog: 42710
 * for the table's row type, 23505 on a catalog index) means another one created it first. On Aurora DSQL the
 * race is a 40001 conflict (OC001 in the message), retried, and then the duplicate.
 */
const DUPLICATE_OBJECT_CODES = ['42P06', '42P07', '42710', '23505'];

/** A read, with the conflict retries of the handler. */
function read<T>(deps: HandlerDeps, what: string, work: () => Promise<T>, log: (line: string) => void): Promise<T> {
  return readWithRetry(what, work, { retry: deps.retry, log });
}

async function ensureOwnershipTable(deps: HandlerDeps, db: Queryable, log: (line: string) => void): Promise<void> {
  const state = await read(deps, 'read the ownership schema', () => ownershipState(db), log);
  const steps = [...(state.schema ? [] : [createOwnershipSchema()]), ...(state.table ? [] : [createOwnershipTable()])];
  for (const step of steps) {
    try {
      await run(deps, db, [step], log);
    } catch (error) {
      if (!(error instanceof StatementFailedError) || !DUPLICATE_OBJECT_CODES.includes(error.code ?? '')) throw error;
      log(`${step.purpose}: already done by a concurrent handler`);
    }
  }
}

async function readRecord(
  deps: HandlerDeps, db: Queryable, roleName: string, log: (line: string) => void,
): Promise<{ record?: OwnershipRecord; table: boolean }> {
  return read(deps, `read the ownership record of ${roleName}`, async () => {
    const state = await ownershipState(db);
    if (!state.table) return { table: false };
    return { record: await readOwnership(db, roleName), table: true };
  }, log);
}

function describeOwner(record: OwnershipRecord | undefined): string {
  return record ? `its ownership record names stack ${record.owner}` : 'it has no ownership record: it was made outside secure-dsql';
}

async function apply(deps: HandlerDeps, desired: DesiredRole, resource: string, log: (line: string) => void): Promise<void> {
  const owner = deps.trusted.stackId;
  await withSession(deps, async (db) => {
    const { record } = await readRecord(deps, db, desired.roleName, log);
    const ours = record !== undefined && record.owner === owner;
    const observed = await read(deps, `observe role ${desired.roleName}`,
      () => observe(db, deps.dialect, desired.roleName, desired, ours ? record : undefined), log);

    if (observed.roleExists && !ours) {
      if (!desired.adoptExisting) {
        throw new NotOwnedError(`role ${desired.roleName} already exists on the cluster and was not created by this stack `
          + `(${describeOwner(record)}); nothing was changed. Set adoptExisting: true on the DsqlDatabaseRole to take it over `
          + '(its mappings and privileges are then managed, and with removalPolicy DESTROY it is dropped with the construct), '
          + 'or choose another roleName.');
      }
      log(`role ${desired.roleName}: adopted (adoptExisting: true; ${describeOwner(record)})`);
    } else if (!observed.roleExists && record && !ours) {
      log(`role ${desired.roleName}: does not exist; the stale ownership record of stack ${record.owner} is replaced`);
    } else if (ours && record.resource !== resource) {
      log(`role ${desired.roleName}: now managed by resource ${resource} of this stack (was ${record.resource})`);
    }

    // Claim first (the role may not exist yet): a failure after this point leaves a record that proves the
    // role is ours, so a retry or the rollback's Delete can finish or undo the work. The record lists every
    // privilege that may be granted while the change is half-applied, so none is forgotten on revocation.
    const previous = ours ? record : undefined;
    await ensureOwnershipTable(deps, db, log);
    const claim: OwnershipRecord = {
      roleName: desired.roleName,
      owner,
      resource,
      removal: desired.retain ? 'retain' : 'destroy',
      grants: unionGrants(previous?.grants ?? [], desired.grants),
    };
    await run(deps, db, [writeOwnership(claim, record !== undefined)], log);

    await run(deps, db, planApply(desired, observed, previous ? { roleName: desired.roleName, grants: previous.grants } : undefined), log);
    await run(deps, db, [writeOwnership({ ...claim, grants: desired.grants }, true)], log);
  }, log);
}

async function remove(deps: HandlerDeps, desired: DesiredRole, id: string, resource: string | undefined, log: (line: string) => void): Promise<void> {
  const owner = deps.trusted.stackId;
  await withSession(deps, async (db) => {
    const { record } = await readRecord(deps, db, desired.roleName, log);
    if (!record || record.owner !== owner || record.resource !== resource) {
      log(`delete ${id}: role ${desired.roleName} was not created by this resource (${resource ?? 'no LogicalResourceId'}) of this stack `
        + `(${record ? `record: stack ${record.owner}, resource ${record.resource}` : 'no ownership record'}); nothing is dropped`);
      return;
    }
    if (record.removal === 'retain') {
      log(`delete ${id}: the template declared removal policy RETAIN for role ${desired.roleName}; nothing is dropped`);
      return;
    }
    // What is revoked comes from the record (what the library granted), not from the event.
    const observed = await read(deps, `observe role ${desired.roleName}`, () => observe(db, deps.dialect, desired.roleName, record), log);
    await run(deps, db, planDelete({ roleName: desired.roleName, grants: record.grants, retain: false }, observed), log);
    await run(deps, db, [releaseOwnership(record)], log);
  }, log);
}

export async function onEvent(event: OnEventRequest, deps: HandlerDeps): Promise<OnEventResponse> {
  const log = deps.log ?? (() => undefined);
  if (event.RequestType === 'Delete') {
    const desired = tryParse(event.ResourceProperties);
    const id = event.PhysicalResourceId ?? '';
    // Properties that do not validate never created a role: there is nothing to delete.
    if (!desired || id !== physicalId(desired)) {
      log(`delete ${id}: nothing was created by these properties; nothing to do`);
      return { PhysicalResourceId: id };
    }
    // A Delete naming another cluster, host, Region or stack connects nowhere and drops nothing. It succeeds,
    // so that a legitimate one (the old cluster's, after the cluster was replaced) does not fail the cleanup.
    const mismatches = targetMismatches(deps.trusted, event);
    if (mismatches.length > 0) {
      log(`delete ${id}: ${new EventRefusedError(mismatches).message}; nothing is dropped`);
      return { PhysicalResourceId: id };
    }
    if (desired.retain) {
      log(`delete ${id}: removal policy RETAIN, the role, its mappings and privileges are kept`);
      return { PhysicalResourceId: id };
    }
    // The role may no longer be declared (CloudFormation updates this function, without the role, before it
    // sends the Delete of a role removed from the template): the ownership record decides.
    await remove(deps, desired, id, event.LogicalResourceId, log);
    return { PhysicalResourceId: id };
  }

  const desired = parseProperties(event.ResourceProperties);
  const mismatches = applyMismatches(deps.trusted, event);
  if (!event.LogicalResourceId) mismatches.push('the event has no LogicalResourceId');
  if (mismatches.length > 0) throw new EventRefusedError(mismatches);
  // An update that changes the physical id (other role name) creates the new role; CloudFormation then
  // sends the Delete of the old one.
  await apply(deps, desired, event.LogicalResourceId!, log);
  return { PhysicalResourceId: physicalId(desired), Data: { RoleName: desired.roleName } };
}
