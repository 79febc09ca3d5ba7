"""The vendor's Python SDK (`elevenlabs`) doing the benchmark's `get` and `list`.

Run by the Rust benchmark with: BASE_URL KEY SERVER_ID SERVERS GETS LISTS ROUNDS.
Prints one JSON line: the SDK's version and the median seconds per call of each.
"""

import json
import statistics
import sys
import time
from importlib.metadata import version

from elevenlabs import ElevenLabs

base_url, key, server_id = sys.argv[1:4]
servers, gets, lists, rounds = (int(a) for a in sys.argv[4:8])

mcp = ElevenLabs(api_key=key, base_url=base_url).conversational_ai.mcp_servers

# The SDK must really decode what it is timed on.
page = mcp.list()
if len(page.mcp_servers) != servers or page.mcp_servers[-1].config.name is None:
    sys.exit(f"list decoded {len(page.mcp_servers)} servers, expected {servers}")
if mcp.get(server_id).id != server_id:
    sys.exit("get decoded the wrong server")


def per_call(call, n):
    start = time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - start) / n


get_s = statistics.median(per_call(lambda: mcp.get(server_id), gets) for _ in range(rounds))
list_s = statistics.median(per_call(mcp.list, lists) for _ in range(rounds))
print(json.dumps({"sdk": f"elevenlabs {version('elevenlabs')} (Python)", "get_s": get_s, "list_s": list_s}))
