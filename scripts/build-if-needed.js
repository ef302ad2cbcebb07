// `npm start` on a fresh clone builds first; later starts skip the build when dist is newer than src
// and web/ (the dashboard), and the dashboard's index.html exists.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs;
    if (t > latest) latest = t;
  }
  return latest;
}

const root = path.join(__dirname, '..');
const main = path.join(root, 'dist', 'main.js');
const sources = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'web')));
if (!fs.existsSync(main) || !fs.existsSync(path.join(root, 'dist', 'web', 'index.html')) || fs.statSync(main).mtimeMs < sources) {
  process.stderr.write('Building the service (first start, or src/ or web/ changed since the last build; about 20 s)…\n');
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
  process.stderr.write('Built. Starting.\n');
}
