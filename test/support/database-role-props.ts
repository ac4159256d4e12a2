/** Custom-resource properties of a DsqlDatabaseRole, as the handler receives them, for handler tests. */
import { declaredState, digestOf, parseTrustedConfig, TrustedConfig, TRUST_ENV } from '../../src/handlers/database-role/trust';

export const CLUSTER_ID = 'abcdefghijklmnopqrstuvwxyz';
export const ENDPOINT = 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws';
export const ARN_A = 'arn:aws:iam::123456789012:role/app-a';
export const ARN_B = 'arn:aws:iam::123456789012:role/app-b';
/** The stack of the handler and its custom resources. */
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/11111111-2222-3333-4444-555555555555';
/** Another stack of the same account. */
export const OTHER_STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/other/66666666-7777-8888-9999-000000000000';

export function resourceProperties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    Endpoint: ENDPOINT,
    Region: 'us-east-1',
    ClusterIdentifier: CLUSTER_ID,
    RoleName: 'app_rw',
    PrincipalArns: [ARN_A],
    SchemaPrivileges: [{ Schema: 'orders', Privileges: ['USAGE'], TablePrivileges: ['SELECT', 'INSERT'] }],
    RemovalPolicy: 'destroy',
    AdoptExisting: 'false',
    ...overrides,
  };
}

/**
 * The environment the construct writes for a handler that declares `declared` (each role by the digest of
 * its state), on the test cluster, host and Region, in `stackId`.
 */
export function trustedEnvironment(declared: Array<Record<string, unknown>>, stackId = STACK_ID): Record<string, string> {
  return {
    [TRUST_ENV.clusterIdentifier]: CLUSTER_ID,
    [TRUST_ENV.host]: ENDPOINT,
    [TRUST_ENV.region]: 'us-east-1',
    [TRUST_ENV.stackId]: stackId,
    [TRUST_ENV.roles]: JSON.stringify(declared.map((p) => [p.RoleName, digestOf(declaredState(p))])),
  };
}

/** The trusted configuration of a handler that declares `declared`. */
export function trustedConfig(declared: Array<Record<string, unknown>>, stackId = STACK_ID): TrustedConfig {
  return parseTrustedConfig(trustedEnvironment(declared, stackId));
}
