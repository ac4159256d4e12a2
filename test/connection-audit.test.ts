/**
 * Connection audit (issue 26): the advanced event selector scoped to the audited clusters, the bucket and
 * trail a security team accepts, the event data store, the signals judged on sample CloudTrail events, the
 * selector limit and the refusals.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DsqlConnectPolicy, DsqlConnectionAudit, DsqlConnectionAuditStore, DsqlErrors, DsqlSecurityChecks, SecureDsqlCluster } from '../src';
import { matchesPattern } from './support/event-pattern';
import { ACCOUNT, ENV, REGION } from './support/iam-eval';

const ID = 'abcdefghijklmnopqrstuvwxyz';
const OTHER_ID = 'zyxwvutsrqponmlkjihgfedcba';
const arnOf = (id: string) => `arn:aws:dsql:${REGION}:${ACCOUNT}:cluster/${id}`;
/** The ARN of an imported cluster as the template holds it (the partition is the stack's). */
const tplArn = (id: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:dsql:${REGION}:${ACCOUNT}:cluster/${id}`]] });

/** An imported cluster with a literal ARN. */
function imported(s: Stack, id: string, clusterId: string) {
  return SecureDsqlCluster.fromClusterArn(s, id, arnOf(clusterId));
}

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}

/** A CloudTrail data event as EventBridge delivers it (CloudTrail record contents, "userIdentity"). */
function connectEvent(opts: { eventName?: string; cluster?: unknown; role?: unknown; user?: unknown; errorCode?: string }): Record<string, any> {
  const userIdentity = opts.user
    ? { type: 'IAMUser', arn: opts.user, accountId: ACCOUNT }
    : {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${typeof opts.role === 'string' ? opts.role.split('/').pop() : 'generated'}/session`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: opts.role } },
    };
  return {
    'source': 'aws.dsql',
    'detail-type': 'AWS API Call via CloudTrail',
    'detail': {
      eventSource: 'dsql.amazonaws.com',
      eventName: opts.eventName ?? 'DbConnect',
      eventCategory: 'Data',
      userIdentity,
      resources: [{ type: 'AWS::DSQL::Cluster', ARN: opts.cluster, accountId: ACCOUNT }],
      ...(opts.errorCode ? { errorCode: opts.errorCode } : {}),
    },
  };
}

/** The resolved event patterns of the rules in the template, by description prefix. */
function patterns(t: Template, description: string): Record<string, any>[] {
  return Object.values(t.findResources('AWS::Events::Rule'))
    .filter(r => String(r.Properties.Description).startsWith(description))
    .map(r => r.Properties.EventPattern);
}

describe('trail', () => {
  test('one line: an advanced event selector for the DSQL connection data events of this cluster only', () => {
    const s = stack();
    const cluster = imported(s, 'Db', ID);
    const audit = cluster.addConnectionAudit('Audit');
    expect(audit).toBeInstanceOf(DsqlConnectionAudit);
    expect(audit.node.path).toBe('Stack/Db/Audit');
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::CloudTrail::Trail', 1);
    t.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true,
      EnableLogFileValidation: true,
      IsMultiRegionTrail: false,
      IncludeGlobalServiceEvents: false,
      EventSelectors: Match.absent(),
      AdvancedEventSelectors: [{
        Name: 'Aurora DSQL connection attempts',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::DSQL::Cluster'] },
          { Field: 'eventName', Equals: ['DbConnect', 'DbConnectAdmin'] },
          { Field: 'resources.ARN', Equals: [tplArn(ID)] },
        ],
      }],
    });
  });

  test('several clusters in one audit: their ARNs and nothing else', () => {
    const s = stack();
    const a = imported(s, 'A', ID);
    const b = imported(s, 'B', OTHER_ID);
    const audit = new DsqlConnectionAudit(s, 'Audit', { clusters: [a, b, a] });
    expect(s.resolve(audit.auditedClusterArns)).toEqual([tplArn(ID), tplArn(OTHER_ID)]);
    Template.fromStack(s).hasResourceProperties('AWS::CloudTrail::Trail', {
      AdvancedEventSelectors: [{ FieldSelectors: Match.arrayWith([{ Field: 'resources.ARN', Equals: [tplArn(ID), tplArn(OTHER_ID)] }]) }],
    });
  });

  test('the bucket blocks public access, enforces TLS, is versioned, expires files after the retention and is retained', () => {
    const s = stack();
    imported(s, 'Db', ID).addConnectionAudit('Audit', { retention: Duration.days(400) });
    const t = Template.fromStack(s);
    t.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 400, NoncurrentVersionExpiration: { NoncurrentDays: 400 }, Status: 'Enabled' })] },
      },
    });
    const policy = Object.values(t.findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement as any[];
    expect(policy).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    // CloudTrail may write to this bucket for this trail only.
    const trailName = Object.values(t.findResources('AWS::CloudTrail::Trail'))[0].Properties.TrailName;
    const write = policy.find(st => st.Sid === 'AWSCloudTrailWrite');
    expect(write.Condition.StringEquals['aws:SourceArn']).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudtrail:${REGION}:${ACCOUNT}:trail/${trailName}`]],
    });
    expect(policy.find(st => st.Sid === 'AWSCloudTrailAclCheck').Condition.StringEquals['aws:SourceArn']).toEqual(write.Condition.StringEquals['aws:SourceArn']);
    t.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 365 } });
  });

  test('a customer-managed key encrypts the bucket, the trail and the log group, and its policy lets CloudTrail and CloudWatch Logs use it', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key');
    imported(s, 'Db', ID).addConnectionAudit('Audit', { encryptionKey: key });
    const t = Template.fromStack(s);
    const keyArn = { 'Fn::GetAtt': [s.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } }] },
    });
    t.hasResourceProperties('AWS::CloudTrail::Trail', { KMSKeyId: keyArn });
    t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn });
    const statements = Object.values(t.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement as any[];
    expect(statements.find(st => st.Sid === 'AllowCloudTrailConnectionAuditEncrypt')).toMatchObject({
      Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
    });
    expect(statements.find(st => st.Sid === 'AllowCloudWatchLogsConnectionAudit')).toMatchObject({ Principal: { Service: `logs.${REGION}.amazonaws.com` } });
  });

  test('CloudTrail delivers to the log group through a role that trusts this trail only and has a managed policy', () => {
    const s = stack();
    imported(s, 'Db', ID).addConnectionAudit('Audit');
    const t = Template.fromStack(s);
    const roleId = Object.keys(t.findResources('AWS::IAM::Role'))[0];
    const trail = Object.values(t.findResources('AWS::CloudTrail::Trail'))[0];
    expect(trail.Properties.CloudWatchLogsRoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(trail.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/LogsPolicy/), expect.stringMatching(/BucketPolicy/)]));
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceArn': Match.anyValue() } } })] },
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })] },
      Roles: [{ Ref: roleId }],
    });
    t.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('without CloudWatch Logs: no log group, no role, no refused-attempts alarm', () => {
    const s = stack();
    const audit = imported(s, 'Db', ID).addConnectionAudit('Audit', { cloudWatchLogs: false });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Logs::LogGroup', 0);
    t.resourceCountIs('AWS::IAM::Role', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    t.hasResourceProperties('AWS::CloudTrail::Trail', { CloudWatchLogsLogGroupArn: Match.absent() });
    expect(audit.refusedConnectionsAlarm).toBeUndefined();
  });
});

describe('event data store', () => {
  test('CloudTrail Lake: the same selector, the retention in days, termination protection, retained', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key');
    const audit = imported(s, 'Db', ID).addConnectionAudit('Audit', {
      store: DsqlConnectionAuditStore.EVENT_DATA_STORE, retention: Duration.days(90), encryptionKey: key,
    });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::CloudTrail::Trail', 0);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    t.hasResource('AWS::CloudTrail::EventDataStore', {
      DeletionPolicy: 'Retain',
      Properties: {
        RetentionPeriod: 90,
        TerminationProtectionEnabled: true,
        MultiRegionEnabled: false,
        OrganizationEnabled: false,
        KmsKeyId: { 'Fn::GetAtt': [s.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
        AdvancedEventSelectors: [{ Name: 'Aurora DSQL connection attempts', FieldSelectors: Match.arrayWith([{ Field: 'resources.ARN', Equals: [tplArn(ID)] }]) }],
      },
    });
    expect(audit.eventDataStoreArn).toBeDefined();
    expect(audit.trailArn).toBeUndefined();
    expect(audit.bucket).toBeUndefined();
  });
});

describe('signals', () => {
  test('the admin rule matches DbConnectAdmin on an audited cluster, not DbConnect, not another cluster', () => {
    const s = stack();
    const topic = new sns.Topic(s, 'Topic');
    const cluster = imported(s, 'Db', ID);
    const other = imported(s, 'Other', OTHER_ID);
    cluster.addConnectionAudit('Audit', { alarmTopic: topic });
    const t = Template.fromStack(s);
    const [pattern] = patterns(t, 'Connection attempts as admin');
    const role = `arn:aws:iam::${ACCOUNT}:role/app`;
    const here = s.resolve(cluster.clusterArn);
    expect(matchesPattern(pattern, connectEvent({ eventName: 'DbConnectAdmin', role, cluster: here }))).toBe(true);
    expect(matchesPattern(pattern, connectEvent({ eventName: 'DbConnectAdmin', role, cluster: here, errorCode: 'AccessDenied' }))).toBe(true);
    expect(matchesPattern(pattern, connectEvent({ eventName: 'DbConnect', role, cluster: here }))).toBe(false);
    expect(matchesPattern(pattern, connectEvent({ eventName: 'DbConnectAdmin', role, cluster: s.resolve(other.clusterArn) }))).toBe(false);
    t.hasResourceProperties('AWS::Events::Rule', {
      Description: Match.stringLikeRegexp('^Connection attempts as admin'),
      Targets: [Match.objectLike({ Arn: { Ref: s.getLogicalId(topic.node.defaultChild as sns.CfnTopic) } })],
    });
  });

  test('the refused-attempts alarm counts events with an errorCode through a metric filter on the log group', () => {
    const s = stack();
    const topic = new sns.Topic(s, 'Topic');
    imported(s, 'Db', ID).addConnectionAudit('Audit', {
      alarmTopic: topic, refusedConnectionsThreshold: 3, refusedConnectionsPeriod: Duration.minutes(10),
    });
    const t = Template.fromStack(s);
    const filter = Object.values(t.findResources('AWS::Logs::MetricFilter'))[0].Properties;
    expect(filter.FilterPattern).toBe('{ ($.eventSource = "dsql.amazonaws.com") && (($.eventName = "DbConnect") || ($.eventName = "DbConnectAdmin")) && ($.errorCode = "*") }');
    const metric = filter.MetricTransformations[0];
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: metric.MetricNamespace,
      MetricName: metric.MetricName,
      Statistic: 'Sum',
      Period: 600,
      Threshold: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: s.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }],
    });
  });

  test('the unlisted-principal rule ignores declared principals (grants, database roles, the cluster policy, allowedPrincipalArns)', () => {
    const s = stack();
    const granted = new iam.Role(s, 'Granted', { assumedBy: new iam.AccountRootPrincipal() });
    const fn = new lambda.Function(s, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'i.h', code: lambda.Code.fromInline('x') });
    const user = new iam.User(s, 'Reporter');
    const policyRole = `arn:aws:iam::${ACCOUNT}:role/listed-in-policy`;
    const outside = `arn:aws:iam::${ACCOUNT}:role/break-glass`;
    const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { principalArns: [policyRole, granted.roleArn, fn.role!.roleArn, user.userArn] } });
    // Declared after the audit: the rule reads what the app declares when the template is written.
    cluster.addConnectionAudit('Audit', { allowedPrincipalArns: [outside] });
    cluster.grantConnect(granted);
    cluster.grantConnect(fn);
    cluster.grantConnectAdmin(user);
    const t = Template.fromStack(s);
    const [pattern] = patterns(t, 'Connections to an audited');
    const resolvedArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
    const roleId = s.getLogicalId(granted.node.defaultChild as iam.CfnRole);
    const fnRoleId = s.getLogicalId(fn.role!.node.defaultChild as iam.CfnRole);
    const userId = s.getLogicalId(user.node.defaultChild as iam.CfnUser);
    const at = (event: Record<string, any>) => ({ ...event, detail: { ...event.detail, resources: [{ ARN: s.resolve(cluster.clusterArn) }] } });
    // Each declared principal connects without matching; anyone else matches.
    for (const role of [policyRole, outside, resolvedArn(roleId), resolvedArn(fnRoleId)]) {
      expect(matchesPattern(pattern, at(connectEvent({ role: role as any })))).toBe(false);
    }
    expect(matchesPattern(pattern, at(connectEvent({ user: { 'Fn::GetAtt': [userId, 'Arn'] } as any })))).toBe(false);
    expect(matchesPattern(pattern, at(connectEvent({ role: `arn:aws:iam::${ACCOUNT}:role/intruder` })))).toBe(true);
    expect(matchesPattern(pattern, at(connectEvent({ user: `arn:aws:iam::${ACCOUNT}:user/intruder` })))).toBe(true);
    // A user named like an allowed role is still unlisted: users are judged by their own ARN, roles by their
    // sessions' issuer, each against its own list.
    expect(matchesPattern(pattern, at(connectEvent({ user: `arn:aws:iam::${ACCOUNT}:user/break-glass` })))).toBe(true);
    expect(matchesPattern(pattern, at(connectEvent({ user: policyRole })))).toBe(true);
  });

  test('a role a DsqlConnectPolicy on the cluster is attached to is declared; one on another cluster\'s policy is not', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const other = new SecureDsqlCluster(s, 'Other');
    const reader = new iam.Role(s, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const elsewhere = new iam.Role(s, 'Elsewhere', { assumedBy: new iam.AccountRootPrincipal() });
    cluster.addConnectionAudit('Audit');
    new DsqlConnectPolicy(s, 'ReaderPolicy', { clusters: [cluster], roles: [reader] });
    new DsqlConnectPolicy(s, 'OtherPolicy', { clusters: [other] }).attachToRole(elsewhere);
    const [pattern] = patterns(Template.fromStack(s), 'Connections to an audited');
    const at = (event: Record<string, any>) => ({ ...event, detail: { ...event.detail, resources: [{ ARN: s.resolve(cluster.clusterArn) }] } });
    const roleArnOf = (r: iam.Role) => ({ 'Fn::GetAtt': [s.getLogicalId(r.node.defaultChild as iam.CfnRole), 'Arn'] });
    expect(matchesPattern(pattern, at(connectEvent({ role: roleArnOf(reader) as any })))).toBe(false);
    expect(matchesPattern(pattern, at(connectEvent({ role: roleArnOf(elsewhere) as any })))).toBe(true);
  });

  test('the pattern lists the allowed principals: over the EventBridge pattern quota it is refused at synth, unless the quota is raised', () => {
    const build = (quota?: number) => {
      const s = stack();
      const roles = Array.from({ length: 40 }, (_, i) => `arn:aws:iam::${ACCOUNT}:role/service-role-${i}`);
      imported(s, 'Db', ID).addConnectionAudit('Audit', { allowedPrincipalArns: roles, eventPatternSizeQuota: quota });
      return () => Template.fromStack(s);
    };
    expect(build()).toThrow(/Stack\/Db\/Audit: unlistedPrincipalRules make an event pattern longer than the 2048 characters EventBridge accepts .*\(got "Stack\/Db\/Audit\/UnlistedPrincipals0: about 2\d{3} characters"\)\. Raise the quota/);
    expect(build(4096)).not.toThrow();
    expect(() => build(1000)).toThrow(/eventPatternSizeQuota must be an integer of at least 2048 .*\(got 1000\)/);
  });

  test('a cluster with no declared principal: every connection to it matches', () => {
    const s = stack();
    const cluster = imported(s, 'Db', ID);
    const other = imported(s, 'Other', OTHER_ID);
    cluster.addConnectionAudit('Audit');
    const [pattern] = patterns(Template.fromStack(s), 'Connections to an audited');
    expect(pattern.detail.$or).toBeUndefined();
    const anyone = `arn:aws:iam::${ACCOUNT}:role/anyone`;
    expect(matchesPattern(pattern, connectEvent({ role: anyone, cluster: s.resolve(cluster.clusterArn) }))).toBe(true);
    expect(matchesPattern(pattern, connectEvent({ role: anyone, cluster: s.resolve(other.clusterArn) }))).toBe(false);
  });

  test('principal patterns in the cluster policy: no rule for that cluster, and a warning says why', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { principalArns: [`arn:aws:iam::${ACCOUNT}:role/app-*`] } });
    const audit = cluster.addConnectionAudit('Audit');
    expect(audit.unlistedPrincipalRules).toEqual([]);
    Annotations.fromStack(s).hasWarning('/Stack/Db/Audit', Match.stringLikeRegexp('No unlisted-principal rule for Stack/Db.*app-\\*'));
  });

  test('each signal can be turned off', () => {
    const s = stack();
    imported(s, 'Db', ID).addConnectionAudit('Audit', {
      adminConnectionRule: false, refusedConnectionsAlarm: false, unlistedPrincipalRules: false,
    });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Events::Rule', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    t.resourceCountIs('AWS::Logs::MetricFilter', 0);
    t.resourceCountIs('AWS::CloudTrail::Trail', 1);
  });
});

describe('limits and refusals', () => {
  const id = (i: number) => i.toString(36).padStart(26, '0');

  test('496 clusters fit the 500 selector values of a trail; 497 are refused at synth', () => {
    const ok = stack();
    // (one unlisted-principal rule per cluster would exceed a stack's 500 resources: off here)
    new DsqlConnectionAudit(ok, 'Audit', {
      clusters: Array.from({ length: 496 }, (_, i) => imported(ok, `C${i}`, id(i))),
      unlistedPrincipalRules: false,
    });
    const selectors = Template.fromStack(ok).findResources('AWS::CloudTrail::Trail');
    const values = (Object.values(selectors)[0].Properties.AdvancedEventSelectors as any[])
      .flatMap(sel => sel.FieldSelectors).reduce((n: number, f: any) => n + f.Equals.length, 0);
    expect(values).toBe(500);

    const over = stack();
    const clusters = Array.from({ length: 497 }, (_, i) => imported(over, `C${i}`, id(i)));
    expect(() => new DsqlConnectionAudit(over, 'Audit', { clusters })).toThrow(
      /^Stack\/Audit: clusters need 501 advanced event selector values, more than the 500 CloudTrail allows .* \(got "497 clusters"\)\. Split the clusters over several audits of at most 496 clusters each\. \[SECURE_DSQL_VALIDATION_ERROR\]$/);
  });

  test('errors name the construct, the property, the value and the fix, and are reported together', () => {
    const s = stack();
    const other = SecureDsqlCluster.fromClusterAttributes(s, 'Far', { clusterIdentifier: ID, region: 'eu-west-1' });
    let caught: unknown;
    try {
      new DsqlConnectionAudit(s, 'Audit', {
        clusters: [other],
        retention: Duration.hours(36),
        refusedConnectionsThreshold: 0,
        allowedPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/ops-*`],
      });
    } catch (e) {
      caught = e;
    }
    expect(DsqlErrors.isValidationError(caught)).toBe(true);
    const [header, ...lines] = (caught as Error).message.split('\n');
    expect(header).toBe('Stack/Audit: 4 problems:');
    expect(lines.map((l) => l.replace(/^ {2}- /, ''))).toEqual([
      expect.stringMatching(/^Stack\/Audit: clusters holds a cluster of Region eu-west-1, but the audit is made in us-east-1 \(got "Stack\/Far"\)\. /),
      expect.stringMatching(/^Stack\/Audit: retention must be a whole number of days, at least 1 \(got "1 day 12 hours"\)\. /),
      expect.stringMatching(/^Stack\/Audit: refusedConnectionsThreshold must be a positive integer \(got 0\)\. /),
      expect.stringMatching(/^Stack\/Audit: allowedPrincipalArns is not the ARN .* without wildcards \(got ".*ops-\*"\)\. /),
    ]);
  });

  test('options that need a trail are refused for an event data store', () => {
    const s = stack();
    const cluster = imported(s, 'Db', ID);
    expect(() => cluster.addConnectionAudit('Audit', { store: DsqlConnectionAuditStore.EVENT_DATA_STORE, refusedConnectionsAlarm: true }))
      .toThrow(/refusedConnectionsAlarm needs the trail's CloudWatch Logs log group/);
    expect(() => cluster.addConnectionAudit('Audit2', { store: DsqlConnectionAuditStore.EVENT_DATA_STORE, retention: Duration.days(3) }))
      .toThrow(/retention must be a whole number of days between 7 and 3653 \(got "3 days"\)/);
    expect(() => new DsqlConnectionAudit(s, 'Empty', { clusters: [] })).toThrow(/clusters is empty/);
  });
});

describe('the access report says which clusters are audited', () => {
  function report(build: (s: Stack) => void): Record<string, any> {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'i26-report-')) });
    const s = new Stack(app, 'Stack', { env: ENV });
    build(s);
    const assembly = app.synth();
    const json = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'dsql-access-report.json'), 'utf-8'));
    const md = fs.readFileSync(path.join(assembly.directory, 'dsql-access-report.md'), 'utf-8');
    fs.rmSync(app.outdir, { recursive: true, force: true });
    return { ...Object.fromEntries((json.clusters as any[]).map(c => [c.path, c.auditedBy])), md };
  }

  test('auditedBy lists the audits whose selector records the cluster; others and the control case stay empty', () => {
    const r = report(s => {
      const audited = new SecureDsqlCluster(s, 'Audited');
      new SecureDsqlCluster(s, 'NotAudited');
      audited.addConnectionAudit('Audit');
    });
    expect(r['Stack/Audited']).toEqual(['Stack/Audited/Audit']);
    expect(r['Stack/NotAudited']).toEqual([]);
    expect(r.md).toContain('Connection attempts recorded by `Stack/Audited/Audit`.');
    expect(r.md).toContain('Connection attempts recorded by no trail or event data store of this app.');
  });

  test('a hand-written trail counts when its selector records every connection to the cluster, not otherwise', () => {
    const selector = (extra: Record<string, unknown>[]) => [{
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: ['AWS::DSQL::Cluster'] },
        ...extra,
      ],
    }];
    const r = report(s => {
      const a = new SecureDsqlCluster(s, 'A');
      const b = new SecureDsqlCluster(s, 'B');
      const trail = (id: string, extra: Record<string, unknown>[], isLogging = true) => new cloudtrail.CfnTrail(s, id, {
        isLogging, s3BucketName: 'logs', advancedEventSelectors: selector(extra) as unknown as cloudtrail.CfnTrail.AdvancedEventSelectorProperty[],
      });
      trail('AllClusters', []);
      trail('OnlyA', [{ field: 'resources.ARN', equalTo: [a.clusterArn] }]);
      trail('ReadOnlyOnly', [{ field: 'readOnly', equalTo: ['true'] }]);
      trail('Stopped', [], false);
      trail('NotA', [{ field: 'resources.ARN', notEquals: [a.clusterArn] }]);
      trail('OtherEvents', [{ field: 'eventName', equalTo: ['SomethingElse'] }]);
      void b;
    });
    expect(r['Stack/A']).toEqual(['Stack/AllClusters', 'Stack/OnlyA']);
    expect(r['Stack/B']).toEqual(['Stack/AllClusters', 'Stack/NotA']);
  });

  test('a store that records nothing does not count, in the report and in DSQL-C5 alike: a trail stopped by an '
    + 'override ("false"), an event data store with ingestion off; control: the same ones recording', () => {
    const selector = [{ fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: ['AWS::DSQL::Cluster'] }] }];
    const build = (recording: boolean) => (s: Stack) => {
      new SecureDsqlCluster(s, 'Db', { encryptionKey: new kms.Key(s, 'Key', { enableKeyRotation: true }), connectConditions: { blockPublicAccess: true } });
      const trail = new cloudtrail.CfnTrail(s, 'Trail', { isLogging: true, s3BucketName: 'logs', advancedEventSelectors: selector });
      if (!recording) trail.addPropertyOverride('IsLogging', 'false');
      new cloudtrail.CfnEventDataStore(s, 'Store', { ingestionEnabled: recording, advancedEventSelectors: selector });
    };
    for (const recording of [false, true]) {
      expect(report(build(recording))['Stack/Db']).toEqual(recording ? ['Stack/Trail', 'Stack/Store'] : []);
      const app = new App();
      Aspects.of(app).add(new DsqlSecurityChecks({ strict: true }));
      const s = new Stack(app, 'Stack', { env: ENV });
      build(recording)(s);
      const c5 = Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('DSQL-C5'));
      expect(c5.length).toBe(recording ? 0 : 1);
    }
  });
});
