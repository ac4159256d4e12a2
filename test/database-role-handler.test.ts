/**
 * The DsqlDatabaseRole handler against a real PostgreSQL server (TLS on, certificate verified, database
 * `postgres`), started by this file, that behaves like Aurora DSQL where it matters: `admin` is not a superuser
 * (test/handlers/postgres-server.ts), and every handler session goes through the DSQL rules layer
 * (test/support/dsql-rules.ts: unsupported statements refused, one DDL per transaction, injected 40001
 * conflicts with OC000/OC001 messages).
 *
 * Everything PostgreSQL understands runs for real: CREATE/ALTER/DROP ROLE, GRANT, REVOKE, the catalog
 * queries that observe the state, and the ownership schema, table and records. The two Aurora DSQL
 * extensions (`AWS IAM GRANT/REVOKE` and `sys.iam_pg_role_mappings`) do not exist in PostgreSQL: a simulated
 * dialect records them and keeps the mapping table in memory, and the tests assert the exact statements and
 * their order (the ownership statements too, in the form Aurora DSQL supports: one statement per
 * transaction, DDL and DML never together).
 *
 * Every event is checked against a trusted configuration, as the function's environment holds it: the
 * harness declares the roles the template would declare (`h.declare`), and events carry the stack id and
 * logical id CloudFormation sends.
 */
import { Client } from 'pg';
import { startPostgres, TestPostgres } from './handlers/postgres-server';
import {
  ARN_A, ARN_B, CLUSTER_ID, ENDPOINT, OTHER_STACK_ID, resourceProperties as properties, STACK_ID, trustedConfig, trustedEnvironment,
} from './support/database-role-props';
import { conflictError, DsqlRules } from './support/dsql-rules';
import { Dialect, executePlan, isConflict, Queryable, SqlNotice } from '../src/handlers/database-role/executor';
import { ConnectionTarget, HandlerDeps, onEvent, OnEventRequest, Session } from '../src/handlers/database-role/handler';
import { PlannedStatement } from '../src/handlers/database-role/planner';
import { declaredState, digestOf, RoleCheck } from '../src/handlers/database-role/trust';
import { adminToken, clientConfig, connectAsAdmin } from '../src/handlers/database-role.lambda';
import { quoteIdentifier } from '../src/private/sql-identifiers';

const OWNERSHIP_PURPOSES = ['create ownership schema', 'create ownership table', 'record ownership', 'release ownership'];

/** Simulates the Aurora DSQL-only parts; runs every other statement on the real server. */
class SimulatedDsqlIam implements Dialect {
  /** role -> mapped ARNs: the simulated sys.iam_pg_role_mappings. */
  public readonly mappings = new Map<string, Set<string>>();
  /** Every statement executed, in order. */
  public readonly statements: PlannedStatement[] = [];
  /** Makes a statement fail before it runs (to simulate conflicts). */
  public interceptor?: (statement: PlannedStatement) => void;

  /** The SQL of the role statements executed (ownership bookkeeping left out). */
  get executed(): string[] {
    return this.statements.filter((s) => !OWNERSHIP_PURPOSES.includes(s.purpose)).map((s) => s.sql);
  }

  /** The ownership statements executed, with their parameters. */
  get ownership(): Array<{ sql: string; params?: readonly string[] }> {
    return this.statements.filter((s) => OWNERSHIP_PURPOSES.includes(s.purpose))
      .map((s) => (s.params ? { sql: s.sql, params: s.params } : { sql: s.sql }));
  }

  reset(): void {
    this.statements.length = 0;
  }

  async readMappings(_db: Queryable, roleName: string): Promise<string[]> {
    return [...(this.mappings.get(roleName) ?? [])].sort();
  }

  async execute(db: Queryable, statement: PlannedStatement): Promise<readonly SqlNotice[] | void> {
    this.interceptor?.(statement);
    if (!statement.dsqlOnly) {
      const result = await db.query(statement.sql, statement.params ? [...statement.params] : undefined);
      this.statements.push(statement);
      return result.notices;
    }
    const m = /^AWS IAM (GRANT|REVOKE) "([a-z_][a-z0-9_]*)" (TO|FROM) '([^'\\]+)'$/.exec(statement.sql);
    if (!m || (m[1] === 'GRANT') !== (m[3] === 'TO')) throw new Error(`malformed DSQL statement: ${statement.sql}`);
    const [, verb, role, , arn] = m;
    // Aurora DSQL maps existing roles only: check against the real server.
    const exists = await db.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [role]);
    if (exists.rows.length === 0) throw Object.assign(new Error(`role "${role}" does not exist`), { code: '42704' });
    const set = this.mappings.get(role) ?? new Set<string>();
    if (verb === 'GRANT') set.add(arn);
    else set.delete(arn);
    this.mappings.set(role, set);
    this.statements.push(statement);
  }

  mapped(role: string): string[] {
    return [...(this.mappings.get(role) ?? [])].sort();
  }
}

let pg: TestPostgres;
let admin: Client;
/** The bootstrap superuser: set-up only (objects of a migration role, roles admin did not create). */
let superuser: Client;

beforeAll(async () => {
  pg = await startPostgres();
  admin = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'postgres', ssl: { ca: pg.ca, rejectUnauthorized: true } });
  await admin.connect();
  superuser = new Client({ host: pg.host, port: pg.port, user: pg.superuser.user, password: pg.superuser.password, database: 'postgres', ssl: { ca: pg.ca, rejectUnauthorized: true } });
  await superuser.connect();
  for (const sql of [
    'CREATE SCHEMA orders', 'CREATE TABLE orders.items (id int)', 'CREATE TABLE orders.lines (id int)',
    'CREATE SCHEMA billing', 'CREATE TABLE billing.invoices (id int)',
    // The migration role owns schema shop and its tables; admin created the role (on DSQL only admin creates
    // roles), so admin may grant itself the role, as the DSQL user guide says it can.
    'CREATE ROLE shop_owner WITH LOGIN',
  ]) await admin.query(sql);
  for (const sql of [
    'CREATE SCHEMA shop AUTHORIZATION shop_owner', 'SET ROLE shop_owner',
    'CREATE TABLE shop.products (id int)', 'CREATE TABLE shop.prices (id int)', 'RESET ROLE',
    // A role admin did not create and cannot take (PostgreSQL: no ADMIN OPTION), owning schema vault.
    'CREATE ROLE outsider', 'CREATE SCHEMA vault AUTHORIZATION outsider', 'SET ROLE outsider', 'CREATE TABLE vault.secrets (id int)', 'RESET ROLE',
  ]) await superuser.query(sql);
}, 60_000);

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await superuser?.end().catch(() => undefined);
  await pg?.stop();
}, 30_000);

interface Harness {
  readonly deps: HandlerDeps;
  readonly dialect: SimulatedDsqlIam;
  /** The DSQL rules every handler session goes through. */
  readonly rules: DsqlRules;
  readonly plans: PlannedStatement[][];
  readonly targets: ConnectionTarget[];
  readonly signedFor: string[];
  /** Declare roles as the template does (replacing a declared role of the same name). */
  declare(...props: Array<Record<string, unknown>>): void;
  /** Remove a role from the template (the function's configuration no longer declares it). */
  undeclare(roleName: string): void;
}

/** A handler of `stackId` (the test stack by default), sharing the simulated mappings of `dialect`. */
function harness(options: { dialect?: SimulatedDsqlIam; stackId?: string; rules?: DsqlRules } = {}): Harness {
  const dialect = options.dialect ?? new SimulatedDsqlIam();
  const rules = options.rules ?? new DsqlRules();
  const plans: PlannedStatement[][] = [];
  const targets: ConnectionTarget[] = [];
  const signedFor: string[] = [];
  // The configuration the function's environment holds; its roles change as the template does.
  const roles = new Map<string, RoleCheck>();
  const deps: HandlerDeps = {
    trusted: { ...trustedConfig([], options.stackId ?? STACK_ID), roles },
    dialect,
    // The handler asks for the cluster endpoint; the test server stands in for it on localhost.
    connect: async (target): Promise<Session> => {
      targets.push(target);
      return rules.wrap(await connectAsAdmin({ host: pg.host, port: pg.port, region: target.region }, {
        ca: pg.ca,
        token: async (host) => {
          signedFor.push(host);
          return pg.password;
        },
      }));
    },
    retry: { sleep: async () => undefined },
    authorizationRetry: { sleep: async () => undefined },
    onPlan: (plan) => plans.push([...plan]),
  };
  return {
    deps,
    dialect,
    rules,
    plans,
    targets,
    signedFor,
    undeclare: (roleName) => roles.delete(roleName),
    declare: (...props) => {
      for (const p of props) roles.set(String(p.RoleName), { kind: 'digest', digest: digestOf(declaredState(p)) });
    },
  };
}

interface EventOptions {
  /** @default 'RoleResource' */
  readonly resource?: string;
  /** @default STACK_ID */
  readonly stackId?: string;
}

function identity(options: EventOptions): Pick<OnEventRequest, 'StackId' | 'LogicalResourceId'> {
  return { StackId: options.stackId ?? STACK_ID, LogicalResourceId: options.resource ?? 'RoleResource' };
}
function create(props: Record<string, unknown>, options: EventOptions = {}): OnEventRequest {
  return { RequestType: 'Create', ...identity(options), ResourceProperties: props };
}
function update(id: string, props: Record<string, unknown>, old: Record<string, unknown>, options: EventOptions = {}): OnEventRequest {
  return { RequestType: 'Update', ...identity(options), PhysicalResourceId: id, ResourceProperties: props, OldResourceProperties: old };
}
function del(id: string, props: Record<string, unknown>, options: EventOptions = {}): OnEventRequest {
  return { RequestType: 'Delete', ...identity(options), PhysicalResourceId: id, ResourceProperties: props };
}

/** The ownership record of a role, as PostgreSQL holds it. */
async function record(role: string): Promise<{ owner_stack: string; resource: string; removal: string; grants: string } | undefined> {
  const table = await admin.query("SELECT 1 FROM pg_tables WHERE schemaname = 'secure_dsql' AND tablename = 'managed_roles'");
  if (table.rows.length === 0) return undefined;
  return (await admin.query('SELECT owner_stack, resource, removal, grants FROM secure_dsql.managed_roles WHERE role_name = $1', [role])).rows[0];
}

async function roleRow(role: string): Promise<{ rolcanlogin: boolean; rolsuper: boolean } | undefined> {
  return (await admin.query('SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', [role])).rows[0];
}

/** The privileges `role` really holds on the test schemas and tables, as PostgreSQL reports them (read as the superuser). */
async function privileges(role: string, schemas: readonly string[] = ['orders', 'billing']): Promise<string[]> {
  const out: string[] = [];
  for (const schema of schemas) {
    for (const p of ['USAGE', 'CREATE']) {
      const r = await superuser.query('SELECT has_schema_privilege($1, $2, $3) AS ok', [role, schema, p]);
      if (r.rows[0].ok) out.push(`${schema}:${p}`);
    }
    const tables = await superuser.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [schema]);
    for (const { tablename } of tables.rows) {
      for (const p of ['SELECT', 'INSERT', 'UPDATE', 'DELETE']) {
        const r = await superuser.query('SELECT has_table_privilege($1, $2, $3) AS ok', [role, `${schema}.${tablename}`, p]);
        if (r.rows[0].ok) out.push(`${schema}.${tablename}:${p}`);
      }
    }
  }
  return out;
}

/** Whether admin holds the privileges of `role` (is an inheriting member of it). */
async function adminHolds(role: string): Promise<boolean> {
  return (await superuser.query("SELECT pg_has_role('admin', $1, 'USAGE') AS ok", [role])).rows[0].ok === true;
}

describe('connection', () => {
  test('the admin token is a DbConnectAdmin token signed for the given host and Region (locally, no network)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    try {
      const token = await adminToken(ENDPOINT, 'us-east-1');
      expect(token.startsWith(`${ENDPOINT}/?Action=DbConnectAdmin&`)).toBe(true);
      expect(token).toMatch(/X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F\d{8}%2Fus-east-1%2Fdsql%2Faws4_request/);
      expect(token).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    } finally {
      process.env = saved;
    }
  });

  test('the production connection settings: TLS verified against the host, admin, postgres', () => {
    const config = clientConfig({ host: ENDPOINT, region: 'us-east-1' }, 'token');
    expect(config).toMatchObject({ host: ENDPOINT, port: 5432, user: 'admin', database: 'postgres', password: 'token' });
    expect(config.ssl).toEqual({ rejectUnauthorized: true, servername: ENDPOINT });
  });

  test('TLS with the server certificate verified, as admin on database postgres, token signed for the host connected to', async () => {
    const signed: string[] = [];
    const session = await connectAsAdmin({ host: pg.host, port: pg.port, region: 'us-east-1' }, {
      ca: pg.ca,
      token: async (host) => {
        signed.push(host);
        return pg.password;
      },
    });
    try {
      const r = await session.query('SELECT s.ssl, current_user AS usr, current_database() AS db FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()');
      expect(r.rows[0]).toEqual({ ssl: true, usr: 'admin', db: 'postgres' });
    } finally {
      await session.end();
    }
    expect(signed).toEqual([pg.host]);
  });

  test('a server whose certificate is not trusted is refused, and the error does not contain the token', async () => {
    const token = `${pg.host}/?Action=DbConnectAdmin&X-Amz-Signature=feedfacecafe`;
    for (const ca of [pg.otherCa, undefined]) {
      const attempt = connectAsAdmin({ host: pg.host, port: pg.port, region: 'us-east-1' }, { ca, token: async () => token });
      await expect(attempt).rejects.toThrow(/cannot connect to localhost:\d+ as admin: .*(self-signed|self signed|certificate)/);
      await expect(attempt).rejects.not.toThrow(/feedfacecafe/);
    }
  });

  test('a wrong token is refused by the server, and the error does not contain it', async () => {
    const token = 'wrong-token-X-Amz-Signature=0badc0de';
    const attempt = connectAsAdmin({ host: pg.host, port: pg.port, region: 'us-east-1' }, { ca: pg.ca, token: async () => token });
    await expect(attempt).rejects.toThrow(/password authentication failed for user "admin"/);
    await expect(attempt).rejects.not.toThrow(/0badc0de/);
  });
});

describe('lifecycle against PostgreSQL', () => {
  test('create: role with LOGIN, privileges, then the IAM mapping; idempotent re-run; update reconciles; delete undoes', async () => {
    const h = harness();
    const props = properties();
    h.declare(props);

    // Create
    const created = await onEvent(create(props), h.deps);
    expect(created).toEqual({ PhysicalResourceId: 'abcdefghijklmnopqrstuvwxyz/app_rw', Data: { RoleName: 'app_rw' } });
    expect(h.targets).toEqual([{ host: ENDPOINT, region: 'us-east-1' }]);
    expect(h.signedFor).toEqual([pg.host]);
    expect(await roleRow('app_rw')).toEqual({ rolcanlogin: true, rolsuper: false });
    expect(await privileges('app_rw')).toEqual([
      'orders:USAGE', 'orders.items:SELECT', 'orders.items:INSERT', 'orders.lines:SELECT', 'orders.lines:INSERT',
    ]);
    expect(h.dialect.executed).toEqual([
      'CREATE ROLE "app_rw" WITH LOGIN',
      'GRANT USAGE ON SCHEMA "orders" TO "app_rw"',
      'GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA "orders" TO "app_rw"',
      `AWS IAM GRANT "app_rw" TO '${ARN_A}'`,
    ]);
    expect(h.dialect.mapped('app_rw')).toEqual([ARN_A]);

    // Idempotent re-run (CloudFormation may resend Create): no CREATE ROLE, no second mapping, same state.
    h.dialect.reset();
    await onEvent(create(props), h.deps);
    expect(h.dialect.executed).toEqual([
      'GRANT USAGE ON SCHEMA "orders" TO "app_rw"',
      'GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA "orders" TO "app_rw"',
    ]);
    expect(await privileges('app_rw')).toHaveLength(5);

    // A table created after the grant is covered once the resource runs again.
    await admin.query('CREATE TABLE orders.late (id int)');
    expect(await privileges('app_rw')).not.toContain('orders.late:SELECT');
    await onEvent(update(created.PhysicalResourceId, props, props), h.deps);
    expect(await privileges('app_rw')).toEqual(expect.arrayContaining(['orders.late:SELECT', 'orders.late:INSERT']));
    await admin.query('DROP TABLE orders.late');

    // Update: drop INSERT, add UPDATE and CREATE, add billing; swap principal A for B.
    const props2 = properties({
      PrincipalArns: [ARN_B],
      SchemaPrivileges: [
        { Schema: 'orders', Privileges: ['USAGE', 'CREATE'], TablePrivileges: ['SELECT', 'UPDATE'] },
        { Schema: 'billing', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] },
      ],
    });
    h.dialect.reset();
    h.declare(props2);
    await onEvent(update(created.PhysicalResourceId, props2, props), h.deps);
    expect(h.dialect.executed).toEqual([
      `AWS IAM REVOKE "app_rw" FROM '${ARN_A}'`,
      'REVOKE INSERT ON ALL TABLES IN SCHEMA "orders" FROM "app_rw"',
      'GRANT USAGE, CREATE ON SCHEMA "orders" TO "app_rw"',
      'GRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA "orders" TO "app_rw"',
      'GRANT USAGE ON SCHEMA "billing" TO "app_rw"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "billing" TO "app_rw"',
      `AWS IAM GRANT "app_rw" TO '${ARN_B}'`,
    ]);
    expect(h.dialect.mapped('app_rw')).toEqual([ARN_B]);
    expect(await privileges('app_rw')).toEqual([
      'orders:USAGE', 'orders:CREATE',
      'orders.items:SELECT', 'orders.items:UPDATE', 'orders.lines:SELECT', 'orders.lines:UPDATE',
      'billing:USAGE', 'billing.invoices:SELECT',
    ]);

    // Update back: billing removed, CREATE removed.
    h.dialect.reset();
    const props3 = properties({ PrincipalArns: [ARN_B], SchemaPrivileges: [{ Schema: 'orders', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] }] });
    h.declare(props3);
    await onEvent(update(created.PhysicalResourceId, props3, props2), h.deps);
    expect(h.dialect.executed.filter((s) => s.startsWith('REVOKE'))).toEqual([
      'REVOKE UPDATE ON ALL TABLES IN SCHEMA "orders" FROM "app_rw"',
      'REVOKE CREATE ON SCHEMA "orders" FROM "app_rw"',
      'REVOKE SELECT ON ALL TABLES IN SCHEMA "billing" FROM "app_rw"',
      'REVOKE USAGE ON SCHEMA "billing" FROM "app_rw"',
    ]);
    expect(await privileges('app_rw')).toEqual(['orders:USAGE', 'orders.items:SELECT', 'orders.lines:SELECT']);

    // Delete: unmap, revoke, drop.
    h.dialect.reset();
    await onEvent(del(created.PhysicalResourceId, props3), h.deps);
    expect(h.dialect.executed).toEqual([
      `AWS IAM REVOKE "app_rw" FROM '${ARN_B}'`,
      'REVOKE SELECT ON ALL TABLES IN SCHEMA "orders" FROM "app_rw"',
      'REVOKE USAGE ON SCHEMA "orders" FROM "app_rw"',
      'DROP ROLE "app_rw"',
    ]);
    expect(await roleRow('app_rw')).toBeUndefined();
    expect(h.dialect.mapped('app_rw')).toEqual([]);

    // Delete again (CloudFormation retries): nothing to do, no error.
    h.dialect.reset();
    await onEvent(del(created.PhysicalResourceId, props3), h.deps);
    expect(h.dialect.executed).toEqual([]);
  });

  test('RETAIN: delete keeps the role, its mappings and privileges, without connecting', async () => {
    const h = harness();
    const props = properties({ RoleName: 'kept_role', RemovalPolicy: 'retain' });
    h.declare(props);
    const { PhysicalResourceId } = await onEvent(create(props), h.deps);
    const before = await privileges('kept_role');
    expect(before).toContain('orders.items:SELECT');
    h.targets.length = 0;
    await onEvent(del(PhysicalResourceId, props), h.deps);
    expect(h.targets).toEqual([]);
    expect(await roleRow('kept_role')).toEqual({ rolcanlogin: true, rolsuper: false });
    expect(await privileges('kept_role')).toEqual(before);
    expect(h.dialect.mapped('kept_role')).toEqual([ARN_A]);
  });

  test('a role name change creates the new role; the old one goes with the Delete CloudFormation sends next', async () => {
    const h = harness();
    const old = properties({ RoleName: 'before_rename' });
    h.declare(old);
    const { PhysicalResourceId: oldId } = await onEvent(create(old), h.deps);
    // The template now declares the new name only: CloudFormation updates the function first.
    const renamed = properties({ RoleName: 'after_rename' });
    h.undeclare('before_rename');
    h.declare(renamed);
    const result = await onEvent(update(oldId, renamed, old), h.deps);
    expect(result.PhysicalResourceId).toBe('abcdefghijklmnopqrstuvwxyz/after_rename');
    expect(await roleRow('after_rename')).toBeDefined();
    expect(await roleRow('before_rename')).toBeDefined();
    await onEvent(del(oldId, old), h.deps);
    expect(await roleRow('before_rename')).toBeUndefined();
    expect(await privileges('after_rename')).toContain('orders.items:INSERT');
    await onEvent(del(result.PhysicalResourceId, renamed), h.deps);
    expect(await roleRow('after_rename')).toBeUndefined();
  });

  test('an existing role without LOGIN is adopted only with adoptExisting, and then given LOGIN', async () => {
    await admin.query('CREATE ROLE nologin_role NOLOGIN');
    const h = harness();
    const refused = properties({ RoleName: 'nologin_role', SchemaPrivileges: [] });
    h.declare(refused);
    await expect(onEvent(create(refused), h.deps)).rejects.toThrow(
      'role nologin_role already exists on the cluster and was not created by this stack (it has no ownership record: it was made outside secure-dsql); '
      + 'nothing was changed. Set adoptExisting: true on the DsqlDatabaseRole to take it over');
    expect(h.dialect.statements).toEqual([]);
    expect(await roleRow('nologin_role')).toEqual({ rolcanlogin: false, rolsuper: false });
    expect(await record('nologin_role')).toBeUndefined();

    const props = properties({ RoleName: 'nologin_role', SchemaPrivileges: [], AdoptExisting: 'true' });
    h.declare(props);
    await onEvent(create(props), h.deps);
    expect(h.dialect.executed).toEqual(['ALTER ROLE "nologin_role" WITH LOGIN', `AWS IAM GRANT "nologin_role" TO '${ARN_A}'`]);
    expect(await roleRow('nologin_role')).toEqual({ rolcanlogin: true, rolsuper: false });
    expect(await record('nologin_role')).toEqual({ owner_stack: STACK_ID, resource: 'RoleResource', removal: 'destroy', grants: '[]' });
    await onEvent(del('abcdefghijklmnopqrstuvwxyz/nologin_role', props), h.deps);
    expect(await roleRow('nologin_role')).toBeUndefined();
    expect(await record('nologin_role')).toBeUndefined();
  });

  test('roles created concurrently all succeed: real catalog conflicts (XX000 tuple concurrently updated) are retried', async () => {
    // Concurrent GRANTs on one schema make PostgreSQL fail one of them with "tuple concurrently updated"
    // (without retries this test fails about every other run); Aurora DSQL reports the same as OC001.
    const names = ['par_a', 'par_b', 'par_c', 'par_d', 'par_e', 'par_f', 'par_g', 'par_h'];
    const h = harness();
    h.declare(...names.map((n) => properties({ RoleName: n })));
    // Real (short, jittered) backoff, as in the handler: immediate retries of 8 concurrent writers can keep
    // colliding until the attempts run out on a loaded machine.
    const deps: HandlerDeps = { ...h.deps, retry: { sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 200))) } };
    await Promise.all(names.map((n) => onEvent(create(properties({ RoleName: n })), deps)));
    for (const n of names) expect(await privileges(n)).toContain('orders.lines:INSERT');
    await Promise.all(names.map((n) => onEvent(del(`abcdefghijklmnopqrstuvwxyz/${n}`, properties({ RoleName: n })), deps)));
    for (const n of names) expect(await roleRow(n)).toBeUndefined();
  });
});

describe('conflicts and failures', () => {
  test.each(['OC000', 'OC001'] as const)('a 40001 conflict with %s is retried with backoff and the statement then runs for real', async (kind) => {
    const h = harness();
    const delays: number[] = [];
    let conflicts = 0;
    h.dialect.interceptor = (s) => {
      if (s.purpose === 'grant table privileges' && conflicts < 3) {
        conflicts++;
        throw conflictError(kind);
      }
    };
    const deps: HandlerDeps = { ...h.deps, retry: { sleep: async (ms) => { delays.push(ms); }, random: () => 0.5 } };
    const role = `retry_${kind.toLowerCase()}`;
    const props = properties({ RoleName: role });
    h.declare(props);
    await onEvent(create(props), deps);
    expect(conflicts).toBe(3);
    expect(delays).toEqual([75, 150, 300]);
    expect(await privileges(role)).toContain('orders.items:INSERT');
    h.dialect.interceptor = undefined;
    await onEvent(del(`abcdefghijklmnopqrstuvwxyz/${role}`, props), h.deps);
  });

  test('conflicts are recognised by SQLSTATE 40001: OC000/OC001 are message contents, never codes', () => {
    expect(isConflict(conflictError('OC000'))).toBe(true);
    expect(isConflict(conflictError('OC001'))).toBe(true);
    // A code that is not a SQLSTATE, or another error with OC001 in its text, is not a conflict.
    expect(isConflict(Object.assign(new Error('x'), { code: 'OC001' }))).toBe(false);
    expect(isConflict(Object.assign(new Error('(OC001)'), { code: '42501' }))).toBe(false);
  });

  test('a conflict that persists fails after a bounded number of attempts, naming the statement', async () => {
    const h = harness();
    let attempts = 0;
    h.dialect.interceptor = (s) => {
      if (s.purpose === 'grant schema privileges') {
        attempts++;
        throw conflictError('OC001');
      }
    };
    h.declare(properties({ RoleName: 'always_conflicts' }));
    await expect(onEvent(create(properties({ RoleName: 'always_conflicts' })), h.deps)).rejects.toThrow(
      'statement 2 of 4 (grant schema privileges) failed after 8 attempts: GRANT USAGE ON SCHEMA "orders" TO "always_conflicts": '
      + '[40001] schema has been updated by another transaction, please retry: (OC001).');
    expect(attempts).toBe(8);
    await admin.query('DROP ROLE always_conflicts');
  });

  test('a missing schema fails with the statement, the server\'s reason and the fix; the password is not in the message', async () => {
    const h = harness();
    const props = properties({
      RoleName: 'no_schema',
      SchemaPrivileges: [{ Schema: 'does_not_exist', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] }],
    });
    h.declare(props);
    const attempt = onEvent(create(props), h.deps);
    await expect(attempt).rejects.toThrow(
      'statement 2 of 4 (grant schema privileges) failed: GRANT USAGE ON SCHEMA "does_not_exist" TO "no_schema": '
      + '[3F000] schema "does_not_exist" does not exist. Create the schema before deploying the role, or remove it from schemaPrivileges.');
    await expect(attempt).rejects.not.toThrow(pg.password);
    // The mapping (last) never happened: no principal can log in to the half-built role.
    expect(h.dialect.mapped('no_schema')).toEqual([]);
    await admin.query('DROP ROLE no_schema');
  });

  test('DROP ROLE of a role that owns objects fails with the reason and the fix', async () => {
    const h = harness();
    const props = properties({ RoleName: 'owner_role' });
    h.declare(props);
    const { PhysicalResourceId } = await onEvent(create(props), h.deps);
    await admin.query('CREATE TABLE orders.owned (id int)');
    await superuser.query('ALTER TABLE orders.owned OWNER TO owner_role');
    await expect(onEvent(del(PhysicalResourceId, props), h.deps)).rejects.toThrow(
      /\(drop role\) failed: DROP ROLE "owner_role": \[2BP01\] role "owner_role" cannot be dropped because some objects depend on it\. .*set removalPolicy to RETAIN/);
    await admin.query('DROP TABLE orders.owned');
    await onEvent(del(PhysicalResourceId, props), h.deps);
    expect(await roleRow('owner_role')).toBeUndefined();
  });
});

describe('hostile input', () => {
  test.each<[Record<string, unknown>, RegExp]>([
    [{ RoleName: 'x"; DROP ROLE admin; --' }, /roleName .* contains a space/],
    [{ RoleName: 'x";DROP/**/ROLE/**/admin;--' }, /roleName .* must start with/],
    [{ RoleName: '\u0430dmin' }, /non-ASCII character \(U\+0430/],
    [{ RoleName: 'admin' }, /admin role cannot be managed/],
    [{ RoleName: 'pg_read_all_data' }, /reserved for system roles/],
    [{ PrincipalArns: ["arn:aws:iam::123456789012:role/x';DROP/**/ROLE/**/admin;--"] }, /is not the ARN of an IAM role or user/],
    [{ PrincipalArns: ["arn:aws:iam::123456789012:role/o'brien"] }, /is not the ARN/],
    [{ SchemaPrivileges: [{ Schema: 'orders"; DROP SCHEMA orders; --', Privileges: ['USAGE'], TablePrivileges: [] }] }, /schema .* contains a space/],
  ])('%j is refused before any connection is made', async (overrides, message) => {
    const h = harness();
    await expect(onEvent(create(properties(overrides)), h.deps)).rejects.toThrow(message);
    expect(h.targets).toEqual([]);
    expect(await roleRow('admin')).toEqual({ rolcanlogin: true, rolsuper: false });
  });

  test('a Delete with properties that never validated does nothing and succeeds', async () => {
    const h = harness();
    const result = await onEvent(del('whatever', properties({ RoleName: 'x"; DROP ROLE admin; --' })), h.deps);
    expect(result).toEqual({ PhysicalResourceId: 'whatever' });
    expect(h.targets).toEqual([]);
  });

  test('defence in depth: even a hostile name, once quoted, is one identifier on the real server', async () => {
    const hostile = 'x"; DROP ROLE admin; --';
    await admin.query(`CREATE ROLE ${quoteIdentifier(hostile)}`);
    expect(await roleRow(hostile)).toEqual({ rolcanlogin: false, rolsuper: false });
    expect(await roleRow('admin')).toEqual({ rolcanlogin: true, rolsuper: false });
    await admin.query(`DROP ROLE ${quoteIdentifier(hostile)}`);
  });
});

describe('the bundled handler (assets/, built by `npx projen bundle`)', () => {
  // The file the Lambda runs: pg, the signer, the validation and the trust checks are all inside it.
  const bundle = async (): Promise<{ handler: (e: OnEventRequest) => Promise<unknown> }> =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../assets/handlers/database-role.lambda/index.js');

  /** Run with the function's environment set as the construct writes it. */
  async function withEnvironment<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      return await work();
    } finally {
      process.env = saved;
    }
  }

  test('without its configuration it acts on nothing, not even a Delete', async () => {
    for (const event of [create(properties()), del(`${CLUSTER_ID}/app_rw`, properties())]) {
      await expect((await bundle()).handler(event)).rejects.toThrow(
        "the function's configuration is not usable, so it acts on nothing: environment variable DSQL_CLUSTER_IDENTIFIER is not set");
    }
  });

  test('refuses a hostile role name, and an event naming another host, before connecting', async () => {
    await withEnvironment(trustedEnvironment([properties()]), async () => {
      await expect((await bundle()).handler(create(properties({ RoleName: 'x";DROP/**/ROLE/**/admin;--' })))).rejects.toThrow(/roleName .* must start with/);
      await expect((await bundle()).handler(create(properties({ Endpoint: 'db.attacker.example' })))).rejects.toThrow(
        `refused before connecting: the event does not match what the template declared for this function: Endpoint "db.attacker.example" is not this function's "${ENDPOINT}"`);
    });
  });

  test('a RETAIN delete succeeds without connecting anywhere, and says so in the log', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const props = properties({ RemovalPolicy: 'retain' });
      await withEnvironment(trustedEnvironment([props]), async () => {
        await expect((await bundle()).handler(del('abcdefghijklmnopqrstuvwxyz/app_rw', props))).resolves.toEqual({ PhysicalResourceId: 'abcdefghijklmnopqrstuvwxyz/app_rw' });
      });
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/removal policy RETAIN, the role, its mappings and privileges are kept/));
    } finally {
      log.mockRestore();
    }
  });
});

const ARN_EVIL = 'arn:aws:iam::123456789012:role/attacker';
const OTHER_CLUSTER = 'zzzzzzzzzzzzzzzzzzzzzzzzzz';

describe('the event is not trusted: what the template did not declare is refused before any connection', () => {
  const declaredProps = properties({ RoleName: 'forged_target' });

  test.each<[string, Record<string, unknown>, string]>([
    ['another host', { Endpoint: 'db.attacker.example' }, `Endpoint "db.attacker.example" is not this function's "${ENDPOINT}"`],
    ['another cluster', { ClusterIdentifier: OTHER_CLUSTER, Endpoint: `${OTHER_CLUSTER}.dsql.us-east-1.on.aws` },
      `ClusterIdentifier "${OTHER_CLUSTER}" is not this function's "${CLUSTER_ID}"; Endpoint "${OTHER_CLUSTER}.dsql.us-east-1.on.aws" is not this function's "${ENDPOINT}"`],
    ['another Region', { Region: 'eu-west-1' }, 'Region "eu-west-1" is not this function\'s "us-east-1"'],
    ['an undeclared role', { RoleName: 'intruder' }, 'RoleName "intruder" is not declared for this function (declared: "forged_target")'],
    ['an extra principal', { PrincipalArns: [ARN_A, ARN_EVIL] }, 'the state of role "forged_target" (principals, schema privileges, removal policy or adoptExisting) differs from the template\'s'],
    ['a principal swapped for another', { PrincipalArns: [ARN_EVIL] }, 'the state of role "forged_target"'],
    ['other privileges', { SchemaPrivileges: [{ Schema: 'billing', Privileges: ['USAGE', 'CREATE'], TablePrivileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] }] }, 'the state of role "forged_target"'],
    ['adoption the template did not ask for', { AdoptExisting: 'true' }, 'the state of role "forged_target"'],
  ])('a forged Create or Update naming %s', async (_what, overrides, mismatch) => {
    const h = harness();
    h.declare(declaredProps);
    const forged = properties({ RoleName: 'forged_target', ...overrides });
    for (const event of [create(forged), update(`${CLUSTER_ID}/forged_target`, forged, declaredProps)]) {
      await expect(onEvent(event, h.deps)).rejects.toThrow(
        `refused before connecting: the event does not match what the template declared for this function: ${mismatch}`);
    }
    expect(h.targets).toEqual([]);
    expect(h.signedFor).toEqual([]);
    expect(await roleRow('forged_target')).toBeUndefined();
    expect(await roleRow('intruder')).toBeUndefined();
  });

  test('an event from another stack, or without a logical id, is refused', async () => {
    const h = harness();
    h.declare(declaredProps);
    await expect(onEvent(create(declaredProps, { stackId: OTHER_STACK_ID }), h.deps)).rejects.toThrow(
      `StackId "${OTHER_STACK_ID}" is not this function's "${STACK_ID}"`);
    await expect(onEvent({ RequestType: 'Create', StackId: STACK_ID, ResourceProperties: declaredProps }, h.deps)).rejects.toThrow(
      'the event has no LogicalResourceId');
    expect(h.targets).toEqual([]);
  });

  test('a state holding deploy-time values is compared as a whole, and the message says what differs', async () => {
    const h = harness();
    (h.deps.trusted.roles as Map<string, RoleCheck>).set('forged_target', { kind: 'state', state: declaredState(declaredProps) });
    await expect(onEvent(create(properties({ RoleName: 'forged_target', PrincipalArns: [ARN_A, ARN_EVIL], RemovalPolicy: 'retain' })), h.deps)).rejects.toThrow(
      `the state of role "forged_target" differs from the template's: PrincipalArns ["${ARN_A}","${ARN_EVIL}"] instead of ["${ARN_A}"], RemovalPolicy "retain" instead of "destroy"`);
    expect(h.targets).toEqual([]);
    // The declared state itself passes.
    await onEvent(create(declaredProps), h.deps);
    expect(h.dialect.mapped('forged_target')).toEqual([ARN_A]);
    await onEvent(del(`${CLUSTER_ID}/forged_target`, declaredProps), h.deps);
    expect(await roleRow('forged_target')).toBeUndefined();
  });

  test('a Delete naming another cluster, host or stack connects nowhere and drops nothing, and says why', async () => {
    const h = harness();
    const logged: string[] = [];
    const forged = properties({ ClusterIdentifier: OTHER_CLUSTER, Endpoint: `${OTHER_CLUSTER}.dsql.us-east-1.on.aws` });
    await expect(onEvent(del(`${OTHER_CLUSTER}/app_rw`, forged), { ...h.deps, log: (l) => logged.push(l) }))
      .resolves.toEqual({ PhysicalResourceId: `${OTHER_CLUSTER}/app_rw` });
    await expect(onEvent(del(`${CLUSTER_ID}/app_rw`, properties(), { stackId: OTHER_STACK_ID }), { ...h.deps, log: (l) => logged.push(l) }))
      .resolves.toBeDefined();
    expect(h.targets).toEqual([]);
    expect(logged).toEqual([
      `delete ${OTHER_CLUSTER}/app_rw: refused before connecting: the event does not match what the template declared for this function: `
      + `ClusterIdentifier "${OTHER_CLUSTER}" is not this function's "${CLUSTER_ID}"; Endpoint "${OTHER_CLUSTER}.dsql.us-east-1.on.aws" is not this function's "${ENDPOINT}"; nothing is dropped`,
      `delete ${CLUSTER_ID}/app_rw: refused before connecting: the event does not match what the template declared for this function: `
      + `StackId "${OTHER_STACK_ID}" is not this function's "${STACK_ID}"; nothing is dropped`,
    ]);
  });
});

describe('ownership: the handler changes and drops only the roles its stack created', () => {
  test('first use: the ownership schema and table, then the record claimed before CREATE ROLE, in statements Aurora DSQL supports', async () => {
    await admin.query('DROP SCHEMA IF EXISTS secure_dsql CASCADE');
    const h = harness();
    const props = properties({ RoleName: 'own_first' });
    h.declare(props);
    await onEvent(create(props), h.deps);
    const grants = '[{"schema":"orders","privileges":["USAGE"],"tables":["SELECT","INSERT"]}]';
    expect(h.dialect.ownership).toEqual([
      { sql: 'CREATE SCHEMA "secure_dsql"' },
      {
        sql: 'CREATE TABLE IF NOT EXISTS "secure_dsql"."managed_roles" (role_name text PRIMARY KEY, owner_stack text NOT NULL, '
        + 'resource text NOT NULL, removal text NOT NULL, grants text NOT NULL)',
      },
      {
        sql: 'INSERT INTO "secure_dsql"."managed_roles" (role_name, owner_stack, resource, removal, grants) VALUES ($1, $2, $3, $4, $5)',
        params: ['own_first', STACK_ID, 'RoleResource', 'destroy', grants],
      },
      {
        sql: 'UPDATE "secure_dsql"."managed_roles" SET owner_stack = $2, resource = $3, removal = $4, grants = $5 WHERE role_name = $1',
        params: ['own_first', STACK_ID, 'RoleResource', 'destroy', grants],
      },
    ]);
    // Claim first, then the role; every statement alone in its own transaction (autocommit): one DDL per
    // transaction, DDL and DML never together; no ON CONFLICT, no COMMENT ON.
    expect(h.dialect.statements.map((s) => s.purpose)).toEqual([
      'create ownership schema', 'create ownership table', 'record ownership',
      'create role', 'grant schema privileges', 'grant table privileges', 'map IAM principal', 'record ownership',
    ]);
    for (const s of h.dialect.statements) {
      expect(s.sql).not.toMatch(/;|ON CONFLICT|COMMENT ON/i);
    }
    expect(await record('own_first')).toEqual({ owner_stack: STACK_ID, resource: 'RoleResource', removal: 'destroy', grants });
    // Only admin can read or change the records: the managed role cannot even use the schema.
    expect((await admin.query("SELECT has_schema_privilege('own_first', 'secure_dsql', 'USAGE') AS ok")).rows[0].ok).toBe(false);

    // Later events do not create them again.
    h.dialect.reset();
    await onEvent(update(`${CLUSTER_ID}/own_first`, props, props), h.deps);
    expect(h.dialect.ownership.map((o) => o.sql.split(' ')[0])).toEqual(['UPDATE', 'UPDATE']);

    h.dialect.reset();
    await onEvent(del(`${CLUSTER_ID}/own_first`, props), h.deps);
    expect(h.dialect.ownership).toEqual([{
      sql: 'DELETE FROM "secure_dsql"."managed_roles" WHERE role_name = $1 AND owner_stack = $2 AND resource = $3',
      params: ['own_first', STACK_ID, 'RoleResource'],
    }]);
    expect(await roleRow('own_first')).toBeUndefined();
    expect(await record('own_first')).toBeUndefined();
  });

  test('handlers racing to create the ownership schema and table on first use all succeed', async () => {
    await admin.query('DROP SCHEMA IF EXISTS secure_dsql CASCADE');
    const names = ['race_a', 'race_b', 'race_c', 'race_d', 'race_e', 'race_f'];
    const h = harness();
    h.declare(...names.map((n) => properties({ RoleName: n, SchemaPrivileges: [] })));
    const deps: HandlerDeps = { ...h.deps, retry: { sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 200))) } };
    await Promise.all(names.map((n) => onEvent(create(properties({ RoleName: n, SchemaPrivileges: [] }), { resource: n }), deps)));
    for (const n of names) expect(await record(n)).toMatchObject({ owner_stack: STACK_ID, resource: n });
    await Promise.all(names.map((n) => onEvent(del(`${CLUSTER_ID}/${n}`, properties({ RoleName: n, SchemaPrivileges: [] }), { resource: n }), deps)));
    for (const n of names) expect(await roleRow(n)).toBeUndefined();
  });

  test('a forged Delete of a role the library did not create drops nothing, even when its name is declared', async () => {
    await admin.query('CREATE ROLE hand_made WITH LOGIN');
    await admin.query('GRANT USAGE ON SCHEMA orders TO hand_made');
    const h = harness();
    h.dialect.mappings.set('hand_made', new Set([ARN_B]));
    const forged = properties({ RoleName: 'hand_made' });
    for (const declared of [false, true]) {
      if (declared) h.declare(forged);
      await expect(onEvent(del(`${CLUSTER_ID}/hand_made`, forged), h.deps)).resolves.toEqual({ PhysicalResourceId: `${CLUSTER_ID}/hand_made` });
      expect(h.dialect.statements).toEqual([]);
      expect(await roleRow('hand_made')).toEqual({ rolcanlogin: true, rolsuper: false });
      expect(await privileges('hand_made')).toEqual(['orders:USAGE']);
      expect(h.dialect.mapped('hand_made')).toEqual([ARN_B]);
    }
    await admin.query('REVOKE USAGE ON SCHEMA orders FROM hand_made');
    await admin.query('DROP ROLE hand_made');
  });

  test('a role of another stack is neither taken over nor dropped; adoptExisting takes it over', async () => {
    const dialect = new SimulatedDsqlIam();
    const theirs = harness({ dialect, stackId: OTHER_STACK_ID });
    const ours = harness({ dialect });
    const props = properties({ RoleName: 'shared_name' });
    theirs.declare(props);
    ours.declare(props);
    await onEvent(create(props, { stackId: OTHER_STACK_ID }), theirs.deps);

    await expect(onEvent(create(props), ours.deps)).rejects.toThrow(
      `role shared_name already exists on the cluster and was not created by this stack (its ownership record names stack ${OTHER_STACK_ID}); nothing was changed.`);
    await expect(onEvent(del(`${CLUSTER_ID}/shared_name`, props), ours.deps)).resolves.toBeDefined();
    expect(ours.dialect.statements).toEqual(theirs.dialect.statements);
    expect(await roleRow('shared_name')).toBeDefined();
    expect(await record('shared_name')).toMatchObject({ owner_stack: OTHER_STACK_ID });

    const adopting = properties({ RoleName: 'shared_name', PrincipalArns: [ARN_B], AdoptExisting: 'true' });
    ours.declare(adopting);
    await onEvent(create(adopting), ours.deps);
    expect(dialect.mapped('shared_name')).toEqual([ARN_B]);
    expect(await record('shared_name')).toMatchObject({ owner_stack: STACK_ID });
    // The other stack's Delete now finds the role recorded for this one: nothing is dropped.
    await onEvent(del(`${CLUSTER_ID}/shared_name`, props, { stackId: OTHER_STACK_ID }), theirs.deps);
    expect(await roleRow('shared_name')).toBeDefined();
    await onEvent(del(`${CLUSTER_ID}/shared_name`, adopting), ours.deps);
    expect(await roleRow('shared_name')).toBeUndefined();
  });

  test('a forged Delete naming another resource of the stack, or destroy for a retained role, drops nothing', async () => {
    const h = harness();
    const kept = properties({ RoleName: 'kept_forged', RemovalPolicy: 'retain' });
    const live = properties({ RoleName: 'live_forged' });
    h.declare(kept, live);
    await onEvent(create(kept, { resource: 'KeptResource' }), h.deps);
    await onEvent(create(live, { resource: 'LiveResource' }), h.deps);
    h.dialect.reset();
    await onEvent(del(`${CLUSTER_ID}/kept_forged`, { ...kept, RemovalPolicy: 'destroy' }, { resource: 'KeptResource' }), h.deps);
    await onEvent(del(`${CLUSTER_ID}/live_forged`, live, { resource: 'KeptResource' }), h.deps);
    expect(h.dialect.statements).toEqual([]);
    expect(await roleRow('kept_forged')).toBeDefined();
    expect(await roleRow('live_forged')).toBeDefined();
    await onEvent(del(`${CLUSTER_ID}/live_forged`, live, { resource: 'LiveResource' }), h.deps);
    expect(await roleRow('live_forged')).toBeUndefined();
    await superuser.query('DROP OWNED BY kept_forged');
    await admin.query('DROP ROLE kept_forged');
  });

  test('a role removed from the template is dropped by the Delete that follows the function\'s update', async () => {
    const h = harness();
    const stays = properties({ RoleName: 'stays' });
    const goes = properties({ RoleName: 'goes', PrincipalArns: [ARN_B] });
    h.declare(stays, goes);
    await onEvent(create(stays, { resource: 'StaysResource' }), h.deps);
    await onEvent(create(goes, { resource: 'GoesResource' }), h.deps);
    // CloudFormation updates the function (its configuration no longer declares "goes"), then deletes the resource.
    h.undeclare('goes');
    h.dialect.reset();
    await onEvent(del(`${CLUSTER_ID}/goes`, goes, { resource: 'GoesResource' }), h.deps);
    expect(h.dialect.executed).toEqual([
      `AWS IAM REVOKE "goes" FROM '${ARN_B}'`,
      'REVOKE SELECT, INSERT ON ALL TABLES IN SCHEMA "orders" FROM "goes"',
      'REVOKE USAGE ON SCHEMA "orders" FROM "goes"',
      'DROP ROLE "goes"',
    ]);
    expect(await roleRow('goes')).toBeUndefined();
    expect(await record('goes')).toBeUndefined();
    // But it can no longer be created or changed by an event.
    await expect(onEvent(create(goes, { resource: 'GoesResource' }), h.deps)).rejects.toThrow('RoleName "goes" is not declared for this function (declared: "stays")');
    expect(await privileges('stays')).toContain('orders.items:INSERT');
    await onEvent(del(`${CLUSTER_ID}/stays`, stays, { resource: 'StaysResource' }), h.deps);
  });

  test('a construct moved within the stack (new logical id): the new resource takes the role over, the old one\'s Delete keeps it', async () => {
    const h = harness();
    const props = properties({ RoleName: 'moved_role' });
    h.declare(props);
    await onEvent(create(props, { resource: 'OldPath' }), h.deps);
    const logged: string[] = [];
    await onEvent(create(props, { resource: 'NewPath' }), { ...h.deps, log: (l) => logged.push(l) });
    expect(logged).toContain('role moved_role: now managed by resource NewPath of this stack (was OldPath)');
    await onEvent(del(`${CLUSTER_ID}/moved_role`, props, { resource: 'OldPath' }), h.deps);
    expect(await roleRow('moved_role')).toBeDefined();
    expect(await privileges('moved_role')).toContain('orders.items:SELECT');
    await onEvent(del(`${CLUSTER_ID}/moved_role`, props, { resource: 'NewPath' }), h.deps);
    expect(await roleRow('moved_role')).toBeUndefined();
  });

  test('a failed Create leaves the record, so the rollback\'s Delete drops the half-built role', async () => {
    const h = harness();
    const props = properties({ RoleName: 'half_built', SchemaPrivileges: [{ Schema: 'not_yet', Privileges: ['USAGE'], TablePrivileges: [] }] });
    h.declare(props);
    await expect(onEvent(create(props), h.deps)).rejects.toThrow(/schema "not_yet" does not exist/);
    expect(await roleRow('half_built')).toBeDefined();
    expect(await record('half_built')).toMatchObject({ owner_stack: STACK_ID, resource: 'RoleResource' });
    await onEvent(del(`${CLUSTER_ID}/half_built`, props), h.deps);
    expect(await roleRow('half_built')).toBeUndefined();
    expect(await record('half_built')).toBeUndefined();
  });

  test('a stale record of another stack, for a role that no longer exists, does not block creating it', async () => {
    const theirs = harness({ stackId: OTHER_STACK_ID });
    const props = properties({ RoleName: 'stale_owner' });
    theirs.declare(props);
    await onEvent(create(props, { stackId: OTHER_STACK_ID }), theirs.deps);
    await admin.query('REVOKE ALL ON ALL TABLES IN SCHEMA orders FROM stale_owner');
    await admin.query('REVOKE USAGE ON SCHEMA orders FROM stale_owner');
    await admin.query('DROP ROLE stale_owner');
    const ours = harness();
    ours.declare(props);
    await onEvent(create(props), ours.deps);
    expect(await record('stale_owner')).toMatchObject({ owner_stack: STACK_ID });
    await onEvent(del(`${CLUSTER_ID}/stale_owner`, props), ours.deps);
    expect(await roleRow('stale_owner')).toBeUndefined();
  });

  test('revocations follow what the handler granted (the record), not the event\'s OldResourceProperties', async () => {
    const h = harness();
    const props = properties({ RoleName: 'old_props' });
    h.declare(props);
    await onEvent(create(props), h.deps);
    await admin.query('GRANT SELECT ON billing.invoices TO old_props');
    await admin.query('GRANT USAGE ON SCHEMA billing TO old_props');
    const forgedOld = properties({ RoleName: 'old_props', SchemaPrivileges: [{ Schema: 'billing', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] }] });
    h.dialect.reset();
    await onEvent(update(`${CLUSTER_ID}/old_props`, props, forgedOld), h.deps);
    expect(h.dialect.executed.filter((s) => s.startsWith('REVOKE'))).toEqual([]);
    expect(await privileges('old_props')).toEqual(expect.arrayContaining(['billing:USAGE', 'billing.invoices:SELECT']));
    await admin.query('REVOKE SELECT ON billing.invoices FROM old_props');
    await admin.query('REVOKE USAGE ON SCHEMA billing FROM old_props');
    await onEvent(del(`${CLUSTER_ID}/old_props`, props), h.deps);
    expect(await roleRow('old_props')).toBeUndefined();
  });
});

describe('authorization retries: waiting for a policy change to apply', () => {
  /** A harness whose first `refusals` logins are refused by the real server (wrong token). */
  function refusing(refusals: number): { h: Harness; deps: HandlerDeps; delays: number[]; logged: string[] } {
    const h = harness();
    const delays: number[] = [];
    const logged: string[] = [];
    let attempts = 0;
    const deps: HandlerDeps = {
      ...h.deps,
      connect: (target) => {
        h.targets.push(target);
        attempts++;
        const token = attempts <= refusals ? 'not-yet-admitted-X-Amz-Signature=5ec2e7' : pg.password;
        return connectAsAdmin({ host: pg.host, port: pg.port, region: target.region }, { ca: pg.ca, token: async () => token });
      },
      authorizationRetry: { sleep: async (ms) => { delays.push(ms); } },
      log: (line) => logged.push(line),
    };
    return { h, deps, delays, logged };
  }

  test('refused logins are retried with bounded backoff until the policies admit the handler', async () => {
    const { h, deps, delays, logged } = refusing(3);
    const props = properties({ RoleName: 'late_policy' });
    h.declare(props);
    await onEvent(create(props), deps);
    expect(delays).toEqual([2_000, 4_000, 8_000]);
    expect(h.targets).toHaveLength(4);
    expect(logged[0]).toMatch(/^connect to abcdefghijklmnopqrstuvwxyz\.dsql\.us-east-1\.on\.aws: login refused on attempt 1 \(.*password authentication failed.*\); waiting 2000 ms for the cluster and endpoint policies to admit this function's role$/);
    expect(await roleRow('late_policy')).toBeDefined();
    await onEvent(del(`${CLUSTER_ID}/late_policy`, props), h.deps);
  });

  test('a login refused for good fails after at most 2 minutes of waiting, saying what it waited for', async () => {
    const { h, deps, delays } = refusing(Infinity);
    const props = properties({ RoleName: 'never_admitted' });
    h.declare(props);
    const attempt = onEvent(create(props), deps);
    await expect(attempt).rejects.toThrow(
      /^the cluster refused the admin login 10 times over 120 s \(cannot connect to localhost:\d+ as admin: password authentication failed for user "admin"\)\. The handler waited for the cluster's resource-based policy \(and the endpoint policy, when it connects through one\) to admit its role: policy changes take up to about a minute to apply\./);
    await expect(attempt).rejects.not.toThrow(/5ec2e7/);
    expect(delays).toEqual([2_000, 4_000, 8_000, 16_000, 20_000, 20_000, 20_000, 20_000, 10_000]);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(120_000);
    expect(await roleRow('never_admitted')).toBeUndefined();
  });

  test('other connection failures (an untrusted certificate) are not retried', async () => {
    const h = harness();
    const delays: number[] = [];
    const deps: HandlerDeps = {
      ...h.deps,
      connect: (target) => connectAsAdmin({ host: pg.host, port: pg.port, region: target.region },
        { ca: pg.otherCa, token: async () => pg.password }),
      authorizationRetry: { sleep: async (ms) => { delays.push(ms); } },
    };
    const props = properties({ RoleName: 'bad_tls' });
    h.declare(props);
    await expect(onEvent(create(props), deps)).rejects.toThrow(/cannot connect to localhost:\d+ as admin: .*(self-signed|self signed|certificate)/);
    expect(delays).toEqual([]);
  });
});

describe('as Aurora DSQL runs it: admin is not a superuser, a migration role owns schema shop', () => {
  const SHOP = [{ Schema: 'shop', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] }];
  const ORDERS = { Schema: 'orders', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] };

  test('the test database behaves like DSQL: admin cannot grant on the migration role\'s objects until it takes the role', async () => {
    expect(await roleRow('admin')).toEqual({ rolcanlogin: true, rolsuper: false });
    await admin.query('CREATE ROLE probe_reader');
    try {
      await expect(admin.query('GRANT USAGE ON SCHEMA shop TO probe_reader')).rejects.toMatchObject({ code: '42501' });
      await admin.query('GRANT shop_owner TO admin');
      await admin.query('GRANT USAGE ON SCHEMA shop TO probe_reader');
      await admin.query('REVOKE USAGE ON SCHEMA shop FROM probe_reader');
      await admin.query('REVOKE shop_owner FROM admin');
      expect(await adminHolds('shop_owner')).toBe(false);
    } finally {
      await admin.query('DROP ROLE probe_reader');
    }
  });

  test('the whole plan (create, update, adopt, delete, rollback) with a conflict injected into every statement and read', async () => {
    const h = harness();
    h.rules.conflictOnFirstRunOfEach();
    const role = 'shop_reader';
    const id = `${CLUSTER_ID}/${role}`;

    // Create: admin takes shop_owner first, grants, gives it up last.
    const v1 = properties({ RoleName: role, SchemaPrivileges: SHOP });
    h.declare(v1);
    await onEvent(create(v1), h.deps);
    expect(await privileges(role, ['shop'])).toEqual(['shop:USAGE', 'shop.prices:SELECT', 'shop.products:SELECT']);
    expect(await adminHolds('shop_owner')).toBe(false);
    const plan = h.plans.find((p) => p.some((s) => s.purpose === 'create role'))!;
    expect(plan[0].sql).toBe('GRANT "shop_owner" TO "admin"');
    expect(plan[plan.length - 1].sql).toBe('REVOKE "shop_owner" FROM "admin"');
    // Every statement and every catalog read met a conflict once and was retried.
    expect(h.rules.injected.map((i) => i.kind)).toEqual(expect.arrayContaining(['OC000', 'OC001']));
    expect(h.rules.injected.some((i) => /^SELECT .*pg_namespace/.test(i.sql))).toBe(true);
    expect(h.rules.injected.some((i) => i.sql === 'GRANT "shop_owner" TO "admin"')).toBe(true);

    // Update: shop loses SELECT on the tables (REVOKE ... ON ALL TABLES IN SCHEMA as shop_owner), orders is added.
    const v2 = properties({ RoleName: role, SchemaPrivileges: [{ Schema: 'shop', Privileges: ['USAGE'], TablePrivileges: [] }, ORDERS] });
    h.declare(v2);
    await onEvent(update(id, v2, v1), h.deps);
    expect(await privileges(role, ['shop', 'orders'])).toEqual(['shop:USAGE', 'orders:USAGE', 'orders.items:SELECT', 'orders.lines:SELECT']);
    expect(h.dialect.executed).toContain('REVOKE SELECT ON ALL TABLES IN SCHEMA "shop" FROM "shop_reader"');
    expect(await adminHolds('shop_owner')).toBe(false);

    // Delete: revokes on shop as its owner, then DROP ROLE.
    await onEvent(del(id, v2), h.deps);
    expect(await roleRow(role)).toBeUndefined();
    expect(await adminHolds('shop_owner')).toBe(false);

    // Adopt: a role made by hand without LOGIN (ALTER ROLE ... WITH LOGIN), then dropped with the construct.
    await admin.query('CREATE ROLE shop_legacy');
    const adopt = properties({ RoleName: 'shop_legacy', SchemaPrivileges: SHOP, AdoptExisting: 'true' });
    h.declare(adopt);
    await onEvent(create(adopt), h.deps);
    expect(await roleRow('shop_legacy')).toEqual({ rolcanlogin: true, rolsuper: false });
    expect(await privileges('shop_legacy', ['shop'])).toEqual(['shop:USAGE', 'shop.prices:SELECT', 'shop.products:SELECT']);
    await onEvent(del(`${CLUSTER_ID}/shop_legacy`, adopt), h.deps);
    expect(await roleRow('shop_legacy')).toBeUndefined();

    // Rollback: a Create that fails half-way (schema missing) gives the owner role up, and its Delete undoes it.
    const broken = properties({ RoleName: 'shop_broken', SchemaPrivileges: [...SHOP, { Schema: 'missing', Privileges: ['USAGE'], TablePrivileges: [] }] });
    h.declare(broken);
    await expect(onEvent(create(broken), h.deps)).rejects.toThrow(/GRANT USAGE ON SCHEMA "missing" TO "shop_broken": \[3F000\]/);
    expect(await adminHolds('shop_owner')).toBe(false);
    expect(await privileges('shop_broken', ['shop'])).toEqual(['shop:USAGE', 'shop.prices:SELECT', 'shop.products:SELECT']);
    await onEvent(del(`${CLUSTER_ID}/shop_broken`, broken), h.deps);
    expect(await roleRow('shop_broken')).toBeUndefined();
    expect(await adminHolds('shop_owner')).toBe(false);
    expect(h.rules.refused).toEqual([]);
  });

  test('an owner admin cannot take: the deployment fails before anything changes, naming the owner and the fix', async () => {
    const h = harness();
    const props = properties({ RoleName: 'vault_reader', SchemaPrivileges: [ORDERS, { Schema: 'vault', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] }] });
    h.declare(props);
    await expect(onEvent(create(props), h.deps)).rejects.toThrow(
      /\(take owner role\) failed: GRANT "outsider" TO "admin": \[42501\] .*admin must grant itself role outsider, which owns the schema or tables.*No role or privilege was changed\..*ALTER \.\.\. OWNER TO admin/);
    expect(await roleRow('vault_reader')).toBeUndefined();
    expect(h.dialect.executed).toEqual([]);
    // The rollback's Delete finds nothing to drop and releases the claim.
    await onEvent(del(`${CLUSTER_ID}/vault_reader`, props), h.deps);
    expect(await record('vault_reader')).toBeUndefined();
  });

  test('a role admin already holds is not taken or given up', async () => {
    await admin.query('GRANT shop_owner TO admin');
    try {
      const h = harness();
      const props = properties({ RoleName: 'shop_member', SchemaPrivileges: SHOP });
      h.declare(props);
      await onEvent(create(props), h.deps);
      expect(h.dialect.statements.map((s) => s.purpose)).not.toContain('take owner role');
      expect(await adminHolds('shop_owner')).toBe(true);
      await onEvent(del(`${CLUSTER_ID}/shop_member`, props), h.deps);
      expect(await roleRow('shop_member')).toBeUndefined();
    } finally {
      await admin.query('REVOKE shop_owner FROM admin');
    }
  });

  test('catalog reads are retried on 40001 too (a read that never conflicts again succeeds)', async () => {
    const h = harness();
    let conflicts = 0;
    h.rules.inject = (sql) => (/^SELECT/.test(sql) && conflicts++ < 6 ? 'OC000' : undefined);
    const props = properties({ RoleName: 'read_retry', SchemaPrivileges: [ORDERS] });
    h.declare(props);
    await onEvent(create(props), h.deps);
    expect(conflicts).toBeGreaterThanOrEqual(6);
    expect(await privileges('read_retry', ['orders'])).toEqual(['orders:USAGE', 'orders.items:SELECT', 'orders.lines:SELECT']);
    h.rules.inject = undefined;
    await onEvent(del(`${CLUSTER_ID}/read_retry`, props), h.deps);
  });

  test('a GRANT or REVOKE that changes nothing (01007, 01006) fails, naming the object; a grant that works passes', async () => {
    // admin holds SELECT on vault.secrets without the grant option: PostgreSQL warns and grants nothing.
    await superuser.query('GRANT USAGE ON SCHEMA vault TO admin');
    await superuser.query('GRANT SELECT ON vault.secrets TO admin');
    await admin.query('CREATE ROLE warned');
    const session = await connectAsAdmin({ host: pg.host, port: pg.port, region: 'us-east-1' }, { ca: pg.ca, token: async () => pg.password });
    const dialect = new SimulatedDsqlIam();
    try {
      await expect(executePlan(session, dialect, [
        { sql: 'GRANT SELECT ON ALL TABLES IN SCHEMA "vault" TO "warned"', purpose: 'grant table privileges', dsqlOnly: false },
      ])).rejects.toThrow(/\(grant table privileges\) failed: .*\[01007\] no privileges were granted for "secrets"\. The statement changed nothing/);
      await expect(executePlan(session, dialect, [
        { sql: 'REVOKE SELECT ON ALL TABLES IN SCHEMA "vault" FROM "warned"', purpose: 'revoke table privileges', dsqlOnly: false },
      ])).rejects.toThrow(/\[01006\] no privileges could be revoked for "secrets"/);
      // Control: on admin's own schema the same statements run clean.
      await executePlan(session, dialect, [
        { sql: 'GRANT SELECT ON ALL TABLES IN SCHEMA "orders" TO "warned"', purpose: 'grant table privileges', dsqlOnly: false },
        { sql: 'REVOKE SELECT ON ALL TABLES IN SCHEMA "orders" FROM "warned"', purpose: 'revoke table privileges', dsqlOnly: false },
      ]);
    } finally {
      await session.end();
      await admin.query('DROP ROLE warned');
      await superuser.query('REVOKE SELECT ON vault.secrets FROM admin');
      await superuser.query('REVOKE USAGE ON SCHEMA vault FROM admin');
    }
  });

  test('the schema quota: CREATE SCHEMA of the ownership schema at the limit fails with what to do', async () => {
    // The DSQL limit is 10 schemas; the rules layer refuses one more than exist now, as DSQL would at the limit.
    await admin.query('ALTER SCHEMA secure_dsql RENAME TO secure_dsql_aside');
    try {
      const count = Number((await admin.query("SELECT count(*) AS n FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'")).rows[0].n);
      const h = harness({ rules: new DsqlRules({ schemaLimit: count }) });
      const props = properties({ RoleName: 'quota_hit' });
      h.declare(props);
      await expect(onEvent(create(props), h.deps)).rejects.toThrow(
        /\(create ownership schema\) failed: CREATE SCHEMA "secure_dsql": \[54000\] .*records the roles it manages in schema secure_dsql.*limit of schemas per database \(10/);
      expect(await roleRow('quota_hit')).toBeUndefined();
    } finally {
      await admin.query('DROP SCHEMA IF EXISTS secure_dsql');
      await admin.query('ALTER SCHEMA secure_dsql_aside RENAME TO secure_dsql');
    }
  });

  test('the rules layer refuses what DSQL does not support, and DDL with DML in one transaction', async () => {
    const rules = new DsqlRules();
    const session = rules.wrap(await connectAsAdmin({ host: pg.host, port: pg.port, region: 'us-east-1' }, { ca: pg.ca, token: async () => pg.password }));
    try {
      for (const sql of ['TRUNCATE orders.items', 'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC', 'CREATE TEMP TABLE t (id int)', 'SELECT 1; SELECT 2']) {
        await expect(session.query(sql)).rejects.toMatchObject({ code: '0A000' });
      }
      await session.query('BEGIN');
      await session.query('CREATE TABLE orders.tx_probe (id int)');
      await expect(session.query('INSERT INTO orders.tx_probe VALUES (1)')).rejects.toMatchObject({ code: '0A000' });
      await session.query('ROLLBACK');
      // Control: one statement per transaction passes.
      expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await session.end();
    }
  });
});
