// Installs the packed tarball (TAOLAB_TGZ) into a fresh temporary Node ESM project, the way a
// user would: `npm install <tarball>`. Returns the project directory.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export function installTarball(prefix) {
  const tgz = process.env.TAOLAB_TGZ;
  if (!tgz) throw new Error("TAOLAB_TGZ is not set (run scripts/npm.sh test)");
  const dir = mkdtempSync(join(tmpdir(), prefix));
  copyFileSync(join(here, "consumer/package.json"), join(dir, "package.json"));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "--silent", tgz], {
    cwd: dir,
    stdio: "inherit",
  });
  return dir;
}
