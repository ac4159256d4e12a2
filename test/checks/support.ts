/**
 * Helpers for the DsqlSecurityChecks tests: a stack whose app runs the aspect, and the DSQL findings of a stack
 * read back through `Annotations.fromStack` (which synthesizes the app), in the manner of cdk-nag's rule tests.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DsqlSecurityChecks, DsqlSecurityChecksProps } from '../../src';
import { ENV } from '../support/iam-eval';

export { ENV };

/** A stack (of ENV, or environment-agnostic) in an app that runs DsqlSecurityChecks. */
export function checkedStack(props?: DsqlSecurityChecksProps, env: typeof ENV | 'agnostic' = ENV): Stack {
  const app = new App();
  Aspects.of(app).add(new DsqlSecurityChecks(props));
  return new Stack(app, 'Stack', { env: env === 'agnostic' ? undefined : env });
}

export interface Finding {
  readonly level: 'warning' | 'error' | 'info';
  /** Construct path of the annotated resource. */
  readonly path: string;
  readonly message: string;
}

/** Every DSQL annotation of the stack (synthesizes the app). */
export function dsqlFindings(stack: Stack): Finding[] {
  const annotations = Annotations.fromStack(stack);
  const dsqlMessage = Match.stringLikeRegexp('\\[DSQL-[A-Z][0-9]+\\]');
  const read = (level: Finding['level'], messages: ReturnType<Annotations['findError']>) =>
    messages.map((m) => ({ level, path: m.id, message: String(m.entry.data) }));
  return [
    ...read('error', annotations.findError('*', dsqlMessage)),
    ...read('warning', annotations.findWarning('*', dsqlMessage)),
    ...read('info', annotations.findInfo('*', dsqlMessage)),
  ];
}

/** The findings of one rule. */
export function findingsOf(stack: Stack, ruleId: string): Finding[] {
  return dsqlFindings(stack).filter((f) => f.message.startsWith(`[${ruleId}]`));
}

/** A cluster that passes every cluster rule, to isolate the rule under test. */
export function compliantCluster(stack: Stack, id = 'Cluster', policy?: unknown): dsql.CfnCluster {
  return new dsql.CfnCluster(stack, id, {
    deletionProtectionEnabled: true,
    kmsEncryptionKey: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    policyDocument: JSON.stringify(policy ?? {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['dsql:DbConnect', 'dsql:DbConnectAdmin'],
        Resource: '*',
        Condition: { Null: { 'aws:SourceVpc': 'true' } },
      }],
    }),
  });
}

/** A VPC with a literal CIDR block, 10.0.0.0/16. */
export function vpc(stack: Stack, id = 'Vpc'): ec2.Vpc {
  return new ec2.Vpc(stack, id, {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
}
