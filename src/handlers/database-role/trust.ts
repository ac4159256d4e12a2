/**
 * What the DsqlDatabaseRole handler trusts: its own configuration, written into the function's environment
 * at synth time, never the event alone.
 *
 * Anyone allowed to call `lambda:InvokeFunction` on the handler (or on its provider framework function) can
 * send it an event of their own making. The handler holds `dsql:DbConnectAdmin`, so it acts only on what the
 * template declared for it: one cluster, one host, one Region, one stack, a fixed set of role names and, for
 * each role where the size allows, the exact declared state (principals, privileges, removal policy,
 * adoption). The function's configuration is updated by CloudFormation before the custom resources that use
 * it (they depend on it through the service token), so a legitimate event always matches it.
 *
 * Pure (Node's crypto only): the construct uses it at synth time to write the configuration, the handler at
 * run time to check each event against it.
 */
import { createHash } from 'crypto';
import { isDsqlHostName } from '../../private/facts/patterns';

/** The environment variables of the handler function. */
export const TRUST_ENV = {
  /** The cluster identifier the handler may act on. */
  clusterIdentifier: 'DSQL_CLUSTER_IDENTIFIER',
  /** The host it connects to (public or private host name of that cluster). */
  host: 'DSQL_HOST',
  /** The cluster's Region. */
  region: 'DSQL_REGION',
  /** The CloudFormation stack id (`AWS::StackId`) of the function and of its custom resources. */
  stackId: 'DSQL_STACK_ID',
  /** The declared roles: JSON `[[roleName, check], ...]` (see RoleCheck). */
  roles: 'DSQL_ROLES',
} as const;

/**
 * The declared state of one role, in the form both sides compute from the custom resource properties:
 * `[RoleName, PrincipalArns, [[Schema, Privileges, TablePrivileges], ...], RemovalPolicy, AdoptExisting]`,
 * every list in template order.
 */
export type DeclaredState = [string, string[], Array<[string, string[], string[]]>, string, string];

/** How the handler checks the state of one declared role. */
export type RoleCheck =
  /** The SHA-256 digest of the declared state (when it was fully known at synth time). */
  | { readonly kind: 'digest'; readonly digest: string }
  /** The declared state itself (when it holds values CloudFormation resolves at deploy time, such as role ARNs). */
  | { readonly kind: 'state'; readonly state: DeclaredState }
  /** The name only: the state did not fit in the function's 4 KB environment (a warning said so at synth). */
  | { readonly kind: 'name' };

/** The marker of a name-only entry in DSQL_ROLES. */
export const NAME_ONLY = '*';

/** The handler's trusted configuration. */
export interface TrustedConfig {
  readonly clusterIdentifier: string;
  readonly host: string;
  readonly region: string;
  readonly stackId: string;
  readonly roles: ReadonlyMap<string, RoleCheck>;
}

/** The function's configuration is missing or malformed: it acts on nothing. */
export class UntrustedConfigError extends Error {
  constructor(message: string) {
    super(`the function's configuration is not usable, so it acts on nothing: ${message}`);
    this.name = 'UntrustedConfigError';
  }
}

/** An event that does not match the function's configuration; refused before any connection is made. */
export class EventRefusedError extends Error {
  constructor(public readonly mismatches: readonly string[]) {
    super(`refused before connecting: the event does not match what the template declared for this function: ${mismatches.join('; ')}`);
    this.name = 'EventRefusedError';
  }
}

function items(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/**
 * The declared state of custom resource properties (as written into the template at synth time, or as
 * received in the event). Missing lists are empty lists, as the handler's parser reads them.
 */
export function declaredState(properties: Record<string, unknown>): DeclaredState {
  return [
    text(properties.RoleName),
    items(properties.PrincipalArns).map(text),
    items(properties.SchemaPrivileges).map((entry) => {
      const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      return [text(e.Schema), items(e.Privileges).map(text), items(e.TablePrivileges).map(text)] as [string, string[], string[]];
    }),
    text(properties.RemovalPolicy ?? 'destroy'),
    text(properties.AdoptExisting ?? 'false'),
  ];
}

/** `sha256:<base64url>` of the state's JSON. */
export function digestOf(state: DeclaredState): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(state)).digest('base64url')}`;
}

function parseState(value: unknown): DeclaredState | undefined {
  if (!Array.isArray(value) || value.length !== 5) return undefined;
  const [name, arns, grants, removal, adopt] = value;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (typeof name !== 'string' || !strings(arns) || typeof removal !== 'string' || typeof adopt !== 'string') return undefined;
  if (!Array.isArray(grants) || !grants.every((g) => Array.isArray(g) && g.length === 3 && typeof g[0] === 'string' && strings(g[1]) && strings(g[2]))) {
    return undefined;
  }
  return value as DeclaredState;
}

/** Read the trusted configuration from the function's environment. Throws UntrustedConfigError. */
export function parseTrustedConfig(env: Record<string, string | undefined>): TrustedConfig {
  const get = (name: string): string => {
    const value = env[name];
    if (!value) throw new UntrustedConfigError(`environment variable ${name} is not set`);
    return value;
  };
  const clusterIdentifier = get(TRUST_ENV.clusterIdentifier);
  const host = get(TRUST_ENV.host);
  const region = get(TRUST_ENV.region);
  const stackId = get(TRUST_ENV.stackId);
  if (!/^[a-z0-9]{1,63}$/.test(clusterIdentifier)) throw new UntrustedConfigError(`${TRUST_ENV.clusterIdentifier} ${JSON.stringify(clusterIdentifier)} is not a cluster identifier`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) throw new UntrustedConfigError(`${TRUST_ENV.region} ${JSON.stringify(region)} is not a Region`);
  if (!isDsqlHostName(host, clusterIdentifier, region)) {
    throw new UntrustedConfigError(`${TRUST_ENV.host} ${JSON.stringify(host)} is not an Aurora DSQL host name of cluster ${clusterIdentifier} in ${region}`);
  }
  let entries: unknown;
  try {
    entries = JSON.parse(get(TRUST_ENV.roles));
  } catch (error) {
    if (error instanceof UntrustedConfigError) throw error;
    throw new UntrustedConfigError(`${TRUST_ENV.roles} is not JSON`);
  }
  if (!Array.isArray(entries)) throw new UntrustedConfigError(`${TRUST_ENV.roles} is not a list`);
  const roles = new Map<string, RoleCheck>();
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') {
      throw new UntrustedConfigError(`${TRUST_ENV.roles} holds an entry that is not [roleName, check]`);
    }
    const [name, spec] = entry as [string, unknown];
    let check: RoleCheck;
    if (spec === NAME_ONLY) {check = { kind: 'name' };} else if (typeof spec === 'string' && /^sha256:[A-Za-z0-9_-]{43}$/.test(spec)) {check = { kind: 'digest', digest: spec };} else {
      const state = parseState(spec);
      if (!state || state[0] !== name) throw new UntrustedConfigError(`${TRUST_ENV.roles} holds a malformed check for role ${JSON.stringify(name)}`);
      check = { kind: 'state', state };
    }
    if (roles.has(name)) throw new UntrustedConfigError(`${TRUST_ENV.roles} declares role ${JSON.stringify(name)} twice`);
    roles.set(name, check);
  }
  return { clusterIdentifier, host, region, stackId, roles };
}

/** The fields of a custom-resource event the trust checks read. */
export interface EventIdentity {
  readonly StackId?: string;
  readonly ResourceProperties: Record<string, unknown>;
}

/**
 * Mismatches between an event and the configuration on the target: cluster, host, Region and stack. An
 * empty list means they match.
 */
export function targetMismatches(config: TrustedConfig, event: EventIdentity): string[] {
  const p = event.ResourceProperties ?? {};
  const out: string[] = [];
  const compare = (what: string, got: unknown, want: string) => {
    if (got !== want) out.push(`${what} ${JSON.stringify(got ?? null)} is not this function's ${JSON.stringify(want)}`);
  };
  compare('ClusterIdentifier', p.ClusterIdentifier, config.clusterIdentifier);
  compare('Endpoint', p.Endpoint, config.host);
  compare('Region', p.Region, config.region);
  compare('StackId', event.StackId, config.stackId);
  return out;
}

function describeStateDifference(got: DeclaredState, want: DeclaredState): string {
  const parts: string[] = [];
  if (JSON.stringify(got[1]) !== JSON.stringify(want[1])) parts.push(`PrincipalArns ${JSON.stringify(got[1])} instead of ${JSON.stringify(want[1])}`);
  if (JSON.stringify(got[2]) !== JSON.stringify(want[2])) parts.push('SchemaPrivileges differ');
  if (got[3] !== want[3]) parts.push(`RemovalPolicy ${JSON.stringify(got[3])} instead of ${JSON.stringify(want[3])}`);
  if (got[4] !== want[4]) parts.push(`AdoptExisting ${JSON.stringify(got[4])} instead of ${JSON.stringify(want[4])}`);
  return parts.join(', ');
}

/**
 * Mismatches between a Create or Update event and the configuration: the target (see targetMismatches), the
 * role name (declared for this function?) and the role's declared state. An empty list means the event is
 * what the template declared.
 */
export function applyMismatches(config: TrustedConfig, event: EventIdentity): string[] {
  const out = targetMismatches(config, event);
  const state = declaredState(event.ResourceProperties ?? {});
  const name = state[0];
  const check = config.roles.get(name);
  if (!check) {
    const declared = [...config.roles.keys()].map((n) => JSON.stringify(n)).join(', ') || 'none';
    out.push(`RoleName ${JSON.stringify(name)} is not declared for this function (declared: ${declared})`);
    return out;
  }
  if (check.kind === 'digest' && digestOf(state) !== check.digest) {
    out.push(`the state of role ${JSON.stringify(name)} (principals, schema privileges, removal policy or adoptExisting) differs from the template's (digest ${digestOf(state)} instead of ${check.digest})`);
  }
  if (check.kind === 'state' && JSON.stringify(state) !== JSON.stringify(check.state)) {
    out.push(`the state of role ${JSON.stringify(name)} differs from the template's: ${describeStateDifference(state, check.state)}`);
  }
  return out;
}
