#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/TARGET/seed-*) from the project's
own fixtures: the response corpus, the scan corpus, and the manifests, lock files and state
files below. Run it again when the fixtures change; the seeds it writes are committed.

A target whose input starts with a mode byte (manifest, scan) takes its seeds as text after
a line feed, which is the mode of reading the rest as text."""

import hashlib
import json
import pathlib
import random

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fuzz" / "corpus"
# Seeds stay small: libFuzzer's longest input defaults to the longest seed, and a large one
# makes every run slow.
MAX_SEED = 8192


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_SEED:
        return
    out = CORPUS / target
    out.mkdir(parents=True, exist_ok=True)
    (out / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


def responses():
    for path in sorted((ROOT / "crates/elevenlabs-mcp-corpus/corpus").glob("*.json")):
        write("response_decode", path.read_bytes())


MANIFESTS = [
    """servers:
  - name: Docs search
    url: https://mcp.example.com/mcp
    transport: STREAMABLE_HTTP
    approval_policy: require_approval_per_tool
    response_timeout_secs: 30
    request_headers: {X-Team: docs}
    tool_approvals:
      - {tool: search_docs, policy: auto_approved}
    tool_configs:
      - {tool: search_docs, response_timeout_secs: 60}
  - name: Tickets
    url: https://tickets.example.com/mcp
""",
    """servers:
  - name: Secrets
    url: https://mcp.example.com/sse
    transport: SSE
    secret_token: {secret_id: sec_123}
    request_headers:
      Authorization: {secret_id: sec_456}
    approval_policy: auto_approve_all
    tool_configs:
      - tool: lookup
        force_pre_tool_speech: true
        execution_mode: async
        input_overrides:
          q: {source: llm, prompt: Ask for the query}
""",
    "defaults: &d {approval_policy: require_approval_all}\nservers:\n  - <<: *d\n    name: A\n    url: https://a.example/mcp\n",
    '{"servers": [{"name": "Json", "url": "https://j.example/mcp", "tool_approvals": [{"tool": "t"}]}]}',
    "servers:\n  - name: Docs\n    url: http://x.example\n",
    "servers:\n  - name: Docs\n    url: https://x.example\n    tool_approvals:\n      - {tool: a, polcy: auto_approved}\n",
    "servers:\n  - name: Docs\n    url: https://x.example\n    tool_configs:\n      - {tool: a, response_timeout_secs: 1}\n",
    "servers: {name: Docs}\n",
    "servers:\n  - name: A\n    url: https://a.example\n  - name: A\n    url: https://b.example\n",
    "servers:\r\n  - name: \"\\u202Eevil\"\r\n    url: https://a.example\r\n",
    "a: &a [x, x]\nb: &b [*a, *a]\nservers: *b\n",
    "servers: []\n",
    "",
]


def manifests():
    for text in MANIFESTS:
        write("manifest", "\n" + text)


def locks():
    lock = {
        "version": 1,
        "servers": {
            "Docs search": {
                "id": "mcp_1",
                "tools": {
                    "search_docs": {
                        "sha256": hashlib.sha256(b"search_docs").hexdigest(),
                        "description": "Full-text search over the docs.",
                        "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}},
                    }
                },
            }
        },
    }
    write("lock_file", json.dumps(lock, indent=2) + "\n")
    write("lock_file", json.dumps({"version": 1, "servers": {}}))


def states():
    server = {
        "id": "mcp_emu_000001",
        "config": {"name": "Docs", "url": "https://mcp.example.com/mcp", "approval_policy": "auto_approve_all"},
        "access_info": None,
        "dependent_agents": [],
        "metadata": {"created_at": 1764000000, "owner_user_id": "u1"},
    }
    lines = [
        {"next_id": 1, "put": server},
        {"next_id": 2, "put": dict(server, id="mcp_emu_000002")},
        {"next_id": 2, "delete": "mcp_emu_000001"},
    ]
    text = "".join(json.dumps(l) + "\n" for l in lines)
    write("emulator_state", text)
    write("emulator_state", text + '{"next_id": 3, "put": {"id": "torn"')
    write("emulator_state", '{"next_id": 9}\n')


def scan_and_tools():
    rng = random.Random(27)
    files = sorted((ROOT / "crates/mcp-tool-scan/tests/corpus").rglob("*.json"))
    benign = []
    for path in files:
        doc = json.loads(path.read_text())
        tools = doc["tools"] if isinstance(doc, dict) else doc
        for tool in tools:
            tool = {k: v for k, v in tool.items() if k not in ("kinds", "note", "source")}
            if "poisoned" in path.parts or "blind" in str(path) or "holdout" in path.parts:
                write("scan", "\n" + json.dumps([tool], ensure_ascii=False))
            else:
                benign.append(tool)
    for tool in rng.sample(benign, min(200, len(benign))):
        write("scan", "\n" + json.dumps([tool], ensure_ascii=False))
    for i in range(20):
        tools = rng.sample(benign, 3)
        write("emulator_tools", json.dumps({"*": tools, "https://mcp.example.com/mcp": tools[:1]}, ensure_ascii=False))


if __name__ == "__main__":
    responses()
    manifests()
    locks()
    states()
    scan_and_tools()
    for target in sorted(p.name for p in CORPUS.iterdir()):
        print(target, len(list((CORPUS / target).iterdir())))
