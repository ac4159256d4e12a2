/**
 * Custom resource handler of DsqlDatabaseRole (Provider framework onEvent).
 *
 * Bundled with esbuild at build time (pg and @aws-sdk/dsql-signer included) into
 * assets/handlers/database-role.lambda/index.js. The SQL logic lives in ./database-role/*.ts (planner,
 * executor, properties); this file holds what needs the AWS SDK and pg: opening the admin connection with
 * TLS and certificate verification, user `admin`, database `postgres`, and an IAM token signed for the very
 * host the connection goes to. The host, cluster, Region, stack and roles come from the function's
 * environment (./database-role/trust.ts), never from the event alone.
 */
import { DsqlSigner } from '@aws-sdk/dsql-signer';
import { Client, ClientConfig } from 'pg';
import { DSQL_DIALECT, redact, SqlNotice } from './database-role/executor';
import { ConnectionTarget, onEvent, OnEventRequest, OnEventResponse, Session } from './database-role/handler';
import { ADMIN_ROLE } from './database-role/properties';
import { parseTrustedConfig } from './database-role/trust';

export interface ConnectOptions {
  /**
   * Certificate authorities to trust instead of Node's bundled root store (tests only; Aurora DSQL's
   * certificates chain to Amazon's public roots, which Node trusts).
   */
  readonly ca?: string;
  /** Makes the token (injectable for tests). */
  readonly token?: (host: string, region: string) => Promise<string>;
  /** Connection timeout in ms. @default 15000 */
  readonly connectTimeoutMs?: number;
}

/** A `DbConnectAdmin` token for `host`, from the Lambda's credentials. Signed locally: no network call. */
export async function adminToken(host: string, region: string): Promise<string> {
  return new DsqlSigner({ hostname: host, region }).getDbConnectAdminAuthToken();
}

/** The pg configuration used for a target and a token. */
export function clientConfig(target: ConnectionTarget, password: string, options: Pick<ConnectOptions, 'ca' | 'connectTimeoutMs'> = {}): ClientConfig {
  return {
    host: target.host,
    port: target.port ?? 5432,
    user: ADMIN_ROLE,
    database: 'postgres',
    password,
    ssl: {
      rejectUnauthorized: true,
      servername: target.host,
      ...(options.ca ? { ca: options.ca } : {}),
    },
    connectionTimeoutMillis: options.connectTimeoutMs ?? 15_000,
    query_timeout: 120_000,
    application_name: 'secure-dsql-database-role',
  };
}

/** The error of a failed connection, with the token removed. */
export class ConnectionFailedError extends Error {
  constructor(message: string, public readonly code: string | undefined) {
    super(message);
    this.name = 'ConnectionFailedError';
  }
}

/**
 * Connect as `admin`. The token is signed for `target.host`, the same host the TLS connection goes to and
 * whose certificate is verified.
 */
export async function connectAsAdmin(target: ConnectionTarget, options: ConnectOptions = {}): Promise<Session> {
  const token = await (options.token ?? adminToken)(target.host, target.region);
  const client = new Client(clientConfig(target, token, options));
  // An error on an idle client (e.g. the server closing the connection) must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    throw new ConnectionFailedError(
      redact(`cannot connect to ${target.host}:${target.port ?? 5432} as admin: ${message}`, [token]),
      typeof code === 'string' ? code : undefined);
  }
  // Notices and warnings (e.g. 01007 "no privileges were granted") arrive before the statement's result: the
  // ones received while a statement runs are returned with its result. Statements run one at a time.
  let notices: SqlNotice[] = [];
  client.on('notice', (n) => notices.push({ code: typeof n.code === 'string' ? n.code : undefined, message: String(n.message) }));
  return {
    query: async (sql, params) => {
      notices = [];
      const result = await client.query(sql, params);
      return { rows: result.rows, notices };
    },
    end: () => client.end(),
  };
}

export async function handler(event: OnEventRequest): Promise<OnEventResponse> {
  return onEvent(event, {
    // What the template declared for this function, written into its environment at synth time: the only
    // source of the cluster, host, Region, stack and roles it acts on. Missing or malformed: it acts on nothing.
    trusted: parseTrustedConfig(process.env),
    connect: (target) => connectAsAdmin(target),
    dialect: DSQL_DIALECT,
    // One line per statement; statements hold names and ARNs, never the token.
    log: (line) => console.log(line),
  });
}
