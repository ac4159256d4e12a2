/** Jest global teardown: removes the run's temporary directory (see global-setup.ts). */
import * as fs from 'fs';
import { RUN_TMPDIR_VARIABLE } from './global-setup';

export default function globalTeardown(): void {
  const dir = process.env[RUN_TMPDIR_VARIABLE];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
