/**
 * The onEvent handler of the DsqlDatabaseRole provider, with its dependencies injectable.
 */
import { Dialect, executePlan, observe, Queryable, RetryOptions } from './executor';
import { planApply, planDelete, PlannedStatement } from './planner';
import { DesiredRole, parseProperties, physicalId } from './properties';

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
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

export interface HandlerDeps {
  /** Open an admin connection to the target. */
  readonly connect: (target: ConnectionTarget) => Promise<Session>;
  readonly dialect: Dialect;
  readonly retry?: Partial<RetryOptions>;
  readonly log?: (line: string) => void;
  /** Receives each plan before it runs (tests). */
  readonly onPlan?: (plan: readonly PlannedStatement[]) => void;
}

/** Parse previous properties leniently: an old version that no longer validates has nothing to revoke. */
function tryParse(raw: Record<string, unknown> | undefined): DesiredRole | undefined {
  try {
    return raw ? parseProperties(raw) : undefined;
  } catch {
    return undefined;
  }
}

async function withSession<T>(deps: HandlerDeps, desired: DesiredRole, work: (db: Session) => Promise<T>): Promise<T> {
  const db = await deps.connect({ host: desired.endpoint, region: desired.region });
  try {
    return await work(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

async function apply(deps: HandlerDeps, desired: DesiredRole, previous: DesiredRole | undefined): Promise<void> {
  await withSession(deps, desired, async (db) => {
    const observed = await observe(db, deps.dialect, desired.roleName, desired, previous);
    const plan = planApply(desired, observed, previous);
    deps.onPlan?.(plan);
    await executePlan(db, deps.dialect, plan, { retry: deps.retry, log: deps.log });
  });
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
    if (desired.retain) {
      log(`delete ${id}: removal policy RETAIN, the role, its mappings and privileges are kept`);
      return { PhysicalResourceId: id };
    }
    await withSession(deps, desired, async (db) => {
      const observed = await observe(db, deps.dialect, desired.roleName, desired);
      const plan = planDelete(desired, observed);
      deps.onPlan?.(plan);
      await executePlan(db, deps.dialect, plan, { retry: deps.retry, log });
    });
    return { PhysicalResourceId: id };
  }

  const desired = parseProperties(event.ResourceProperties);
  const id = physicalId(desired);
  // An update that keeps the physical id reconciles against the previous properties; one that changes it
  // (other cluster or role name) creates a new role, and CloudFormation then deletes the old one.
  const previous = event.RequestType === 'Update' && event.PhysicalResourceId === id
    ? tryParse(event.OldResourceProperties)
    : undefined;
  await apply(deps, desired, previous);
  return { PhysicalResourceId: id, Data: { RoleName: desired.roleName } };
}
