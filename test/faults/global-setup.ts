import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** The suite runs the service from dist/, as production does: build it when src/ is newer. */
export default function globalSetup(): void {
  const root = path.join(__dirname, '..', '..');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-if-needed.js')], { cwd: root, stdio: 'inherit' });
}
