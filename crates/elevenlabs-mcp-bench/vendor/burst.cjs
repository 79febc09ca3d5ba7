// The vendor's JS SDK starting many calls at once with Promise.all (settled, so a failure
// does not hide the rest).
//
// Run by the Rust benchmark with NODE_PATH at the SDK's node_modules and the arguments
// BASE_URL KEY SERVER_ID GETS CREATES PREFIX. Prints one JSON line: the SDK's version, the
// seconds all calls took, and how many failed.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { ElevenLabsClient } = require("@elevenlabs/elevenlabs-js");

const [baseUrl, apiKey, serverId, gets, creates, prefix] = process.argv.slice(2);

async function main() {
  const mcp = new ElevenLabsClient({ apiKey, baseUrl }).conversationalAi.mcpServers;
  const start = process.hrtime.bigint();
  const calls = [];
  for (let i = 0; i < Number(gets); i++) calls.push(mcp.get(serverId));
  for (let i = 0; i < Number(creates); i++) {
    calls.push(mcp.create({ config: { url: "https://mcp.example.com/mcp", name: `${prefix}${i}` } }));
  }
  const results = await Promise.allSettled(calls);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const failed = results.filter((r) => r.status === "rejected").length;
  const manifest = path.join(require.resolve("@elevenlabs/elevenlabs-js").split("node_modules")[0],
    "node_modules", "@elevenlabs", "elevenlabs-js", "package.json");
  const version = JSON.parse(fs.readFileSync(manifest, "utf8")).version;
  console.log(JSON.stringify({
    sdk: `@elevenlabs/elevenlabs-js ${version} (Node ${process.version})`,
    seconds,
    failed,
  }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
