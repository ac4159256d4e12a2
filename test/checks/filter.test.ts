/**
 * The rule pack's cost (docs/ARCHITECTURE.md, "Facts and policy semantics"): ordinary resources are not resolved,
 * and the cheap filter never hides what a rule must see (escape hatches, tokens where actions should be).
 */
import { Aspects, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { ENV, checkedStack, findingsOf, vpc } from './support';
import { DsqlSecurityChecks } from '../../src';

/** Run the aspect on every construct of the stack's app (no synthesis) and return the resources it rendered. */
function rendered(stack: Stack): string[] {
  const spy = jest.spyOn(CfnResource.prototype as any, '_toCloudFormation');
  try {
    const aspect = new DsqlSecurityChecks();
    const visit = (c: IConstruct) => {
      aspect.visit(c);
      c.node.children.forEach(visit);
    };
    visit(stack.node.root);
    return spy.mock.contexts.map((c) => (c as CfnResource).node.path);
  } finally {
    spy.mockRestore();
  }
}

function role(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

function ordinaryService(stack: Stack, network: ec2.IVpc, id: string): lambda.Function {
  const queue = new sqs.Queue(stack, `${id}Queue`);
  const fn = new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), vpc: network,
  });
  queue.grantSendMessages(fn);
  return fn;
}

describe('cost: only what may concern Aurora DSQL is resolved', () => {
  test('ordinary services (a queue and a VPC function each) are not rendered at all', () => {
    const s = new Stack();
    const network = vpc(s);
    for (const id of ['A', 'B', 'C']) ordinaryService(s, network, id);
    expect(rendered(s)).toEqual([]);
  });

  test('a policy that may name DSQL, and an endpoint to a DSQL service, are rendered; the S3 endpoint next to them is not', () => {
    const s = new Stack(undefined, 'S', { env: ENV });
    const network = vpc(s);
    const fn = ordinaryService(s, network, 'A');
    ordinaryService(s, network, 'B');
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dsql:DbConnect'], resources: ['*'] }));
    network.addInterfaceEndpoint('Dsql', { service: new ec2.InterfaceVpcEndpointService('com.amazonaws.us-east-1.dsql-abcd', 5432) });
    network.addInterfaceEndpoint('S3', { service: new ec2.InterfaceVpcEndpointService('com.amazonaws.us-east-1.s3', 443) });
    const paths = rendered(s);
    expect(paths).toEqual(expect.arrayContaining(['S/A/ServiceRole/DefaultPolicy/Resource', 'S/Vpc/Dsql/Resource']));
    expect(paths).not.toContain('S/Vpc/S3/Resource');
    expect(paths.filter((p) => p.startsWith('S/B'))).toEqual([]);
  });
});

describe('the filter hides nothing a rule must see', () => {
  test('an escape hatch that turns an ordinary policy into dsql:* is still reported (DSQL-I1)', () => {
    const s = checkedStack();
    const policy = new iam.Policy(s, 'Policy', { statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })] });
    policy.attachToRole(role(s));
    (policy.node.defaultChild as CfnResource).addPropertyOverride('PolicyDocument.Statement.0.Action', 'dsql:*');
    expect(findingsOf(s, 'DSQL-I1')).toEqual([expect.objectContaining({ path: '/Stack/Policy/Resource' })]);
  });

  test('an action known at synth only through a token is judged', () => {
    const s = checkedStack();
    new iam.Policy(s, 'Policy', {
      statements: [new iam.PolicyStatement({ actions: [Lazy.string({ produce: () => 'dsql:*' })], resources: ['*'] })], roles: [role(s)],
    });
    expect(findingsOf(s, 'DSQL-I1')).toEqual([expect.objectContaining({ path: '/Stack/Policy/Resource' })]);
  });

  test('a wildcard that reaches DSQL ("*", NotAction) is judged; control: an S3 wildcard is not', () => {
    const s = checkedStack();
    const roles = [role(s)];
    new iam.Policy(s, 'Wild', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })], roles });
    new iam.Policy(s, 'Not', { statements: [new iam.PolicyStatement({ notActions: ['s3:*'], resources: ['*'] })], roles });
    new iam.Policy(s, 'S3', { statements: [new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] })], roles });
    expect(findingsOf(s, 'DSQL-I1').map((f) => f.path).sort()).toEqual(['/Stack/Not/Resource', '/Stack/Wild/Resource']);
  });

  test('a suppression on an ordinary resource is still validated (DSQL-S1)', () => {
    const s = checkedStack();
    const queue = new sqs.Queue(s, 'Queue');
    (queue.node.defaultChild as CfnResource).addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'DSQL-C4', reason: 'short' }] });
    expect(findingsOf(s, 'DSQL-S1')).toEqual([expect.objectContaining({ path: '/Stack/Queue/Resource' })]);
  });

  test('an aspect added after the rule pack that adds a DSQL policy is still judged', () => {
    const s = checkedStack();
    const target = new iam.Role(s, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    Aspects.of(s).add({
      visit(node: IConstruct) {
        if (node === target) target.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dsql:*'], resources: ['*'] }));
      },
    });
    expect(findingsOf(s, 'DSQL-I1')).toEqual([expect.objectContaining({ path: '/Stack/Role/DefaultPolicy/Resource' })]);
  });
});
