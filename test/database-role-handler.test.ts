/**
 * The DsqlDatabaseRole handler against a real PostgreSQL server (TLS on, certificate verified, superuser
 * `admin`, database `postgres`), started by this file.
 *
 * Everything PostgreSQL understands runs for real: CREATE/ALTER/DROP ROLE, GRANT, REVOKE, the catalog
 * queries that observe the state. The two Aurora DSQL extensions (`AWS IAM GRANT/REVOKE` and
 * `sys.iam_pg_role_mappings`) do not exist in PostgreSQL: a simulated dialect records them and keeps the
 * mapping table in memory, and the tests assert the exact statements and their order.
 */
import { Client } from 'pg';
import { startPostgres, TestPostgres } from './handlers/postgres-server';
import { ARN_A, ARN_B, ENDPOINT, resourceProperties as properties } from './support/database-role-props';
import { Dialect, Queryable } from '../src/handlers/database-role/executor';
import { ConnectionTarget, HandlerDeps, onEvent, OnEventRequest, Session } from '../src/handlers/database-role/handler';
import { PlannedStatement } from '../src/handlers/database-role/planner';
import { adminToken, clientConfig, connectAsAdmin } from '../src/handlers/database-role.lambda';
import { quoteIdentifier } from '../src/private/sql-identifiers';


/** Simulates the Aurora DSQL-only parts; runs every other statement on the real server. */
class SimulatedDsqlIam implements Dialect {
  /** role -> mapped ARNs: the simulated sys.iam_pg_role_mappings. */
  public readonly mappings = new Map<string, Set<string>>();
  /** Every statement executed, in order. */
  public readonly executed: string[] = [];
  /** Makes a statement fail before it runs (to simulate conflicts). */
  public interceptor?: (statement: PlannedStatement) => void;

  async readMappings(_db: Queryable, roleName: string): Promise<string[]> {
    return [...(this.mappings.get(roleName) ?? [])].sort();
  }

  async execute(db: Queryable, statement: PlannedStatement): Promise<void> {
    this.interceptor?.(statement);
    if (!statement.dsqlOnly) {
      await db.query(statement.sql);
      this.executed.push(statement.sql);
      return;
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
    this.executed.push(statement.sql);
  }

  mapped(role: string): string[] {
    return [...(this.mappings.get(role) ?? [])].sort();
  }
}

let pg: TestPostgres;
let admin: Client;

beforeAll(async () => {
  pg = await startPostgres();
  admin = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'postgres', ssl: { ca: pg.ca, rejectUnauthorized: true } });
  await admin.connect();
  for (const sql of [
    'CREATE SCHEMA orders', 'CREATE TABLE orders.items (id int)', 'CREATE TABLE orders.lines (id int)',
    'CREATE SCHEMA billing', 'CREATE TABLE billing.invoices (id int)',
  ]) await admin.query(sql);
}, 60_000);

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await pg?.stop();
}, 30_000);

interface Harness {
  readonly deps: HandlerDeps;
  readonly dialect: SimulatedDsqlIam;
  readonly plans: PlannedStatement[][];
  readonly targets: ConnectionTarget[];
  readonly signedFor: string[];
}

function harness(dialect = new SimulatedDsqlIam()): Harness {
  const plans: PlannedStatement[][] = [];
  const targets: ConnectionTarget[] = [];
  const signedFor: string[] = [];
  const deps: HandlerDeps = {
    dialect,
    // The handler asks for the cluster endpoint; the test server stands in for it on localhost.
    connect: (target): Promise<Session> => {
      targets.push(target);
      return connectAsAdmin({ host: pg.host, port: pg.port, region: target.region }, {
        ca: pg.ca,
        token: async (host) => {
          signedFor.push(host);
          return pg.password;
        },
      });
    },
    retry: { sleep: async () => undefined },
    onPlan: (plan) => plans.push([...plan]),
  };
  return { deps, dialect, plans, targets, signedFor };
}


function create(props: Record<string, unknown>): OnEventRequest {
  return { RequestType: 'Create', ResourceProperties: props };
}
function update(id: string, props: Record<string, unknown>, old: Record<string, unknown>): OnEventRequest {
  return { RequestType: 'Update', PhysicalResourceId: id, ResourceProperties: props, OldResourceProperties: old };
}
function del(id: string, props: Record<string, unknown>): OnEventRequest {
  return { RequestType: 'Delete', PhysicalResourceId: id, ResourceProperties: props };
}

async function roleRow(role: string): Promise<{ rolcanlogin: boolean; rolsuper: boolean } | undefined> {
  return (await admin.query('SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', [role])).rows[0];
}

/** The privileges `role` really holds on the test schemas and tables, as PostgreSQL reports them. */
async function privileges(role: string): Promise<string[]> {
  const out: string[] = [];
  for (const schema of ['orders', 'billing']) {
    for (const p of ['USAGE', 'CREATE']) {
      const r = await admin.query('SELECT has_schema_privilege($1, $2, $3) AS ok', [role, schema, p]);
      if (r.rows[0].ok) out.push(`${schema}:${p}`);
    }
    const tables = await admin.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [schema]);
    for (const { tablename } of tables.rows) {
      for (const p of ['SELECT', 'INSERT', 'UPDATE', 'DELETE']) {
        const r = await admin.query('SELECT has_table_privilege($1, $2, $3) AS ok', [role, `${schema}.${tablename}`, p]);
        if (r.rows[0].ok) out.push(`${schema}.${tablename}:${p}`);
      }
    }
  }
  return out;
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
    h.dialect.executed.length = 0;
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
    h.dialect.executed.length = 0;
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
    h.dialect.executed.length = 0;
    const props3 = properties({ PrincipalArns: [ARN_B], SchemaPrivileges: [{ Schema: 'orders', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] }] });
    await onEvent(update(created.PhysicalResourceId, props3, props2), h.deps);
    expect(h.dialect.executed.filter((s) => s.startsWith('REVOKE'))).toEqual([
      'REVOKE UPDATE ON ALL TABLES IN SCHEMA "orders" FROM "app_rw"',
      'REVOKE CREATE ON SCHEMA "orders" FROM "app_rw"',
      'REVOKE SELECT ON ALL TABLES IN SCHEMA "billing" FROM "app_rw"',
      'REVOKE USAGE ON SCHEMA "billing" FROM "app_rw"',
    ]);
    expect(await privileges('app_rw')).toEqual(['orders:USAGE', 'orders.items:SELECT', 'orders.lines:SELECT']);

    // Delete: unmap, revoke, drop.
    h.dialect.executed.length = 0;
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
    h.dialect.executed.length = 0;
    await onEvent(del(created.PhysicalResourceId, props3), h.deps);
    expect(h.dialect.executed).toEqual([]);
  });

  test('RETAIN: delete keeps the role, its mappings and privileges, without connecting', async () => {
    const h = harness();
    const props = properties({ RoleName: 'kept_role', RemovalPolicy: 'retain' });
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
    const { PhysicalResourceId: oldId } = await onEvent(create(old), h.deps);
    const renamed = properties({ RoleName: 'after_rename' });
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

  test('an existing role without LOGIN is adopted and given LOGIN', async () => {
    await admin.query('CREATE ROLE nologin_role NOLOGIN');
    const h = harness();
    const props = properties({ RoleName: 'nologin_role', SchemaPrivileges: [] });
    await onEvent(create(props), h.deps);
    expect(h.dialect.executed[0]).toBe('ALTER ROLE "nologin_role" WITH LOGIN');
    expect(await roleRow('nologin_role')).toEqual({ rolcanlogin: true, rolsuper: false });
    await onEvent(del('abcdefghijklmnopqrstuvwxyz/nologin_role', props), h.deps);
    expect(await roleRow('nologin_role')).toBeUndefined();
  });

  test('roles created concurrently all succeed: real catalog conflicts (XX000 tuple concurrently updated) are retried', async () => {
    // Concurrent GRANTs on one schema make PostgreSQL fail one of them with "tuple concurrently updated"
    // (without retries this test fails about every other run); Aurora DSQL reports the same as OC001.
    const names = ['par_a', 'par_b', 'par_c', 'par_d', 'par_e', 'par_f', 'par_g', 'par_h'];
    const h = harness();
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
  test.each(['OC001', '40001'])('a %s conflict is retried with backoff and the statement then runs for real', async (code) => {
    const h = harness();
    const delays: number[] = [];
    let conflicts = 0;
    h.dialect.interceptor = (s) => {
      if (s.purpose === 'grant table privileges' && conflicts < 3) {
        conflicts++;
        throw Object.assign(new Error('schema has been updated by another transaction'), { code });
      }
    };
    const deps: HandlerDeps = { ...h.deps, retry: { sleep: async (ms) => { delays.push(ms); }, random: () => 0.5 } };
    const props = properties({ RoleName: `retry_${code.toLowerCase()}` });
    await onEvent(create(props), deps);
    expect(conflicts).toBe(3);
    expect(delays).toEqual([75, 150, 300]);
    expect(await privileges(`retry_${code.toLowerCase()}`)).toContain('orders.items:INSERT');
    h.dialect.interceptor = undefined;
    await onEvent(del(`abcdefghijklmnopqrstuvwxyz/retry_${code.toLowerCase()}`, props), h.deps);
  });

  test('a conflict that persists fails after a bounded number of attempts, naming the statement', async () => {
    const h = harness();
    let attempts = 0;
    h.dialect.interceptor = (s) => {
      if (s.purpose === 'grant schema privileges') {
        attempts++;
        throw Object.assign(new Error('schema has been updated by another transaction'), { code: 'OC001' });
      }
    };
    await expect(onEvent(create(properties({ RoleName: 'always_conflicts' })), h.deps)).rejects.toThrow(
      'statement 2 of 4 (grant schema privileges) failed after 8 attempts: GRANT USAGE ON SCHEMA "orders" TO "always_conflicts": '
      + '[OC001] schema has been updated by another transaction.');
    expect(attempts).toBe(8);
    await admin.query('DROP ROLE always_conflicts');
  });

  test('a missing schema fails with the statement, the server\'s reason and the fix; the password is not in the message', async () => {
    const h = harness();
    const attempt = onEvent(create(properties({
      RoleName: 'no_schema',
      SchemaPrivileges: [{ Schema: 'does_not_exist', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] }],
    })), h.deps);
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
    const { PhysicalResourceId } = await onEvent(create(props), h.deps);
    await admin.query('CREATE TABLE orders.owned (id int)');
    await admin.query('ALTER TABLE orders.owned OWNER TO owner_role');
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
    expect(await roleRow('admin')).toEqual({ rolcanlogin: true, rolsuper: true });
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
    expect(await roleRow('admin')).toEqual({ rolcanlogin: true, rolsuper: true });
    await admin.query(`DROP ROLE ${quoteIdentifier(hostile)}`);
  });
});

describe('the bundled handler (assets/, built by `npx projen bundle`)', () => {
  // The file the Lambda runs: pg, the signer and the validation are all inside it.
  const bundle = async (): Promise<{ handler: (e: OnEventRequest) => Promise<unknown> }> =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../assets/handlers/database-role.lambda/index.js');

  test('refuses a hostile role name before connecting', async () => {
    await expect((await bundle()).handler(create(properties({ RoleName: 'x";DROP/**/ROLE/**/admin;--' })))).rejects.toThrow(/roleName .* must start with/);
  });

  test('a RETAIN delete succeeds without connecting anywhere, and says so in the log', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const props = properties({ RemovalPolicy: 'retain' });
      await expect((await bundle()).handler(del('abcdefghijklmnopqrstuvwxyz/app_rw', props))).resolves.toEqual({ PhysicalResourceId: 'abcdefghijklmnopqrstuvwxyz/app_rw' });
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/removal policy RETAIN, the role, its mappings and privileges are kept/));
    } finally {
      log.mockRestore();
    }
  });
});
