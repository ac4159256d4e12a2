/**
 * Shared pieces of the integ tests: the client Lambda that connects with a token over TLS and runs SELECT 1,
 * and the SQL clients of ./sql.ts (set-up as admin, queries as a mapped role).
 */
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { IVerdictClient } from './verdicts';

export * from './outcomes';

/**
 * A Lambda running a handler of ./sql.ts (`setup` or `query`), on the public endpoint. A `query` client also
 * answers the ConnectCheck event, so it can be given to `assertReportVerdicts` in `clients`; a `setup` client
 * runs as a custom resource's onEvent handler, whose success the deployment proves (`provenByDeployment`).
 */
export class SqlClient extends nodejs.NodejsFunction implements IVerdictClient {
  public readonly answersConnectCheckEvent: boolean;

  constructor(scope: Construct, id: string, public readonly handlerName: 'setup' | 'query') {
    super(scope, id, {
      entry: path.join(__dirname, 'sql.ts'),
      handler: handlerName,
      runtime: lambda.Runtime.NODEJS_22_X,
      timeout: Duration.seconds(60),
      memorySize: 256,
      logGroup: new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_WEEK }),
      bundling: { externalModules: [], minify: true, sourceMap: false, target: 'node22' },
    });
    this.answersConnectCheckEvent = handlerName === 'query';
  }
}

export interface ConnectCheckProps {
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** A Lambda that connects to a DSQL host with a token and TLS and reports `{ ok, value | error }`. */
export class ConnectCheck extends nodejs.NodejsFunction implements IVerdictClient {
  public readonly answersConnectCheckEvent = true;

  constructor(scope: Construct, id: string, props: ConnectCheckProps = {}) {
    super(scope, id, {
      entry: path.join(__dirname, 'connect-check.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      timeout: Duration.seconds(30),
      memorySize: 256,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      allowPublicSubnet: false,
      logGroup: new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_WEEK }),
      bundling: { externalModules: [], minify: true, sourceMap: false, target: 'node22' },
    });
  }
}
export * from './verdicts';
