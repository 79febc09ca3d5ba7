// The vendor's JS SDK (`@elevenlabs/elevenlabs-js`) doing the benchmark's `get` and `list`.
//
// Run by the Rust benchmark with NODE_PATH at the SDK's node_modules and the arguments
// BASE_URL KEY SERVER_ID SERVERS GETS LISTS ROUNDS. Prints one JSON line: the SDK's version
// and the median seconds per call of each.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { ElevenLabsClient } = require("@elevenlabs/elevenlabs-js");

const [baseUrl, apiKey, serverId, ...counts] = process.argv.slice(2);
const [servers, gets, lists, rounds] = counts.map(Number);

async function perCall(call, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    await call();
  }
  return Number(process.hrtime.bigint() - start) / 1e9 / n;
}

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const mcp = new ElevenLabsClient({ apiKey, baseUrl }).conversationalAi.mcpServers;
  // The SDK must really decode what it is timed on.
  const page = await mcp.list();
  if (page.mcpServers.length !== servers || !page.mcpServers[servers - 1].config.name) {
    throw new Error(`list decoded ${page.mcpServers.length} servers, expected ${servers}`);
  }
  if ((await mcp.get(serverId)).id !== serverId) {
    throw new Error("get decoded the wrong server");
  }
  const getS = [];
  for (let r = 0; r < rounds; r++) getS.push(await perCall(() => mcp.get(serverId), gets));
  const listS = [];
  for (let r = 0; r < rounds; r++) listS.push(await perCall(() => mcp.list(), lists));
  const manifest = path.join(require.resolve("@elevenlabs/elevenlabs-js").split("node_modules")[0],
    "node_modules", "@elevenlabs", "elevenlabs-js", "package.json");
  const version = JSON.parse(fs.readFileSync(manifest, "utf8")).version;
  console.log(JSON.stringify({
    sdk: `@elevenlabs/elevenlabs-js ${version} (Node ${process.version})`,
    get_s: median(getS),
    list_s: median(listS),
  }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
