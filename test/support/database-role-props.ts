/** Custom-resource properties of a DsqlDatabaseRole, as the handler receives them, for handler tests. */
export const ENDPOINT = 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws';
export const ARN_A = 'arn:aws:iam::123456789012:role/app-a';
export const ARN_B = 'arn:aws:iam::123456789012:role/app-b';

export function resourceProperties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    Endpoint: ENDPOINT,
    Region: 'us-east-1',
    ClusterIdentifier: 'abcdefghijklmnopqrstuvwxyz',
    RoleName: 'app_rw',
    PrincipalArns: [ARN_A],
    SchemaPrivileges: [{ Schema: 'orders', Privileges: ['USAGE'], TablePrivileges: ['SELECT', 'INSERT'] }],
    RemovalPolicy: 'destroy',
    ...overrides,
  };
}
