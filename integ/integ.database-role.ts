/**
 * Integration test: a database role mapped to a Lambda's IAM role.
 *
 * `cluster.addDatabaseRole('Reader', …).grantConnect(client)` gives the client both halves: the IAM side
 * (`dsql:DbConnect` on this cluster) and the database side (`AWS IAM GRANT app_reader TO '<client role>'`).
 * The client then connects as `app_reader` with a token and runs SELECT 1; a Lambda that was granted
 * `dsql:DbConnect` but is not mapped to the role is refused.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { DsqlTablePrivilege, SecureDsqlCluster } from '../src';
import { CONNECT_RETRY, ConnectCheck, connected, refused } from './clients';

const app = new App();
const stack = new Stack(app, 'SecureDsqlDatabaseRole');

const cluster = new SecureDsqlCluster(stack, 'Cluster', {
  clusterName: 'integ-database-role',
  deletionProtection: false,
  removalPolicy: RemovalPolicy.DESTROY,
});

const client = new ConnectCheck(stack, 'Client');
const unmapped = new ConnectCheck(stack, 'Unmapped');

const reader = cluster.addDatabaseRole('Reader', {
  roleName: 'app_reader',
  schemaPrivileges: [{ schema: 'public', tables: [DsqlTablePrivilege.SELECT] }],
});
reader.grantConnect(client);
cluster.grantConnect(unmapped); // IAM side only: no database mapping

const integ = new IntegTest(app, 'DatabaseRoleTest', {
  testCases: [stack],
  regions: ['us-east-1'],
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

const event = { host: cluster.clusterEndpoint, region: stack.region, user: 'app_reader' };

// The role mapping and the clients' roles are new: retry until they apply.
const mapped = integ.assertions.invokeFunction({ functionName: client.functionName, payload: JSON.stringify(event) });
mapped.node.addDependency(reader);
mapped.expect(connected()).waitForAssertions(CONNECT_RETRY);

// Refused: allowed dsql:DbConnect, but its role is not mapped to app_reader. Checked once the mapped client
// got through.
const unmappedRefused = integ.assertions.invokeFunction({ functionName: unmapped.functionName, payload: JSON.stringify(event) });
unmappedRefused.node.addDependency(reader);
unmappedRefused.expect(refused()).waitForAssertions(CONNECT_RETRY);
mapped.next(unmappedRefused);
