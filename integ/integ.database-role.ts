/**
 * Integration test: a database role mapped to a Lambda's IAM role.
 *
 * `cluster.addDatabaseRole('Reader', …).grantConnect(client)` gives the client both halves: the IAM side
 * (`dsql:DbConnect` on this cluster) and the database side (`AWS IAM GRANT app_reader TO '<client role>'`).
 * The client then connects as `app_reader` with a token and runs SELECT 1; a Lambda that was granted
 * `dsql:DbConnect` but is not mapped to the role is refused.
 *
 * It also runs, on a real cluster, the statements the Aurora DSQL user guide neither lists nor rules out:
 * - a set-up custom resource (admin) makes `app_legacy` without LOGIN, and a migration role `shop_owner` that
 *   owns schema `shop` and its table (`GRANT shop_owner TO admin`, `SET ROLE`, `CREATE SCHEMA`, `CREATE TABLE`);
 * - `Legacy` adopts `app_legacy` (`ALTER ROLE … WITH LOGIN`); its client connects as it;
 * - `ShopReader` gets `SELECT` on the migration role's tables (the handler grants itself `shop_owner`, grants,
 *   and gives it up); its client reads `shop.products`;
 * - on destroy every role is dropped (`REVOKE … ON ALL TABLES IN SCHEMA`, `DROP ROLE`): a refused statement
 *   fails the destroy, and so the test.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CustomResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { DsqlTablePrivilege, SecureDsqlCluster } from '../src';
import { CONNECT_RETRY, ConnectCheck, connected, queried, refused, SqlClient } from './clients';

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

// Set-up as admin, before the roles below: a role made outside the library, and a migration role's schema.
const setupFunction = new SqlClient(stack, 'SetupSql', 'setup');
cluster.grantConnectAdmin(setupFunction);
const setup = new CustomResource(stack, 'Setup', {
  serviceToken: new cr.Provider(stack, 'SetupProvider', { onEventHandler: setupFunction }).serviceToken,
  properties: {
    Host: cluster.clusterEndpoint,
    Region: stack.region,
    Statements: [
      'CREATE ROLE app_legacy',
      'CREATE ROLE shop_owner',
      'GRANT shop_owner TO admin',
      'SET ROLE shop_owner',
      'CREATE SCHEMA shop',
      'CREATE TABLE shop.products (id int PRIMARY KEY)',
      'RESET ROLE',
      'REVOKE shop_owner FROM admin',
    ],
    DeleteStatements: [
      'GRANT shop_owner TO admin',
      'SET ROLE shop_owner',
      'DROP TABLE shop.products',
      'DROP SCHEMA shop',
      'RESET ROLE',
      'REVOKE shop_owner FROM admin',
      'DROP ROLE shop_owner',
    ],
  },
});

const legacy = cluster.addDatabaseRole('Legacy', { roleName: 'app_legacy', adoptExisting: true });
legacy.node.addDependency(setup);
const legacyClient = new ConnectCheck(stack, 'LegacyClient');
legacy.grantConnect(legacyClient);

const shopReader = cluster.addDatabaseRole('ShopReader', {
  roleName: 'shop_reader',
  schemaPrivileges: [{ schema: 'shop', tables: [DsqlTablePrivilege.SELECT] }],
});
shopReader.node.addDependency(setup);
const shopClient = new SqlClient(stack, 'ShopClient', 'query');
shopReader.grantConnect(shopClient);

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

// Adopted: app_legacy was made without LOGIN; the handler gave it LOGIN and mapped the client's role.
const adopted = integ.assertions.invokeFunction({
  functionName: legacyClient.functionName,
  payload: JSON.stringify({ host: cluster.clusterEndpoint, region: stack.region, user: 'app_legacy' }),
});
adopted.node.addDependency(legacy);
adopted.expect(connected()).waitForAssertions(CONNECT_RETRY);
unmappedRefused.next(adopted);

// Granted on the migration role's table: shop_reader reads shop.products.
const shopRead = integ.assertions.invokeFunction({
  functionName: shopClient.functionName,
  payload: JSON.stringify({ host: cluster.clusterEndpoint, region: stack.region, user: 'shop_reader', sql: 'SELECT id FROM shop.products' }),
});
shopRead.node.addDependency(shopReader);
shopRead.expect(queried()).waitForAssertions(CONNECT_RETRY);
adopted.next(shopRead);
