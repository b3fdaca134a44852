// The packed tarball in a fresh Node ESM project: install it, copy in the consumer's own
// test file, and run `node --test` there (tests in consumer/consumer.test.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installTarball } from "./install.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

test("fresh Node ESM project: npm install <tarball>, node --test", { timeout: 300_000 }, () => {
  const dir = installTarball("taolab-node-");
  copyFileSync(join(here, "consumer/consumer.test.mjs"), join(dir, "consumer.test.mjs"));
  // Without NODE_TEST_CONTEXT, which `node --test` sets for its children: the inner run must
  // report (and fail) as a top-level one.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", "consumer.test.mjs"], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...env,
      TAOLAB_CLI: process.env.TAOLAB_CLI ?? join(root, "target/release/taolab"),
      TAOLAB_SCENARIO: join(root, "examples/world-two-subnets.json"),
    },
  });
  process.stdout.write(r.stdout.split("\n").filter((l) => /^# (tests|pass|fail)|^not ok/.test(l)).map((l) => `  consumer ${l}\n`).join(""));
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
});
