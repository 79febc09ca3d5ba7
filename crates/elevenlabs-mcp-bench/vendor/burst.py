"""The vendor's Python SDK starting many calls at once: AsyncElevenLabs and asyncio.gather.

Run by the Rust benchmark with: BASE_URL KEY SERVER_ID GETS CREATES PREFIX.
Prints one JSON line: the SDK's version, the seconds all calls took, and how many failed.
"""

import asyncio
import json
import sys
import time
from importlib.metadata import version

from elevenlabs import AsyncElevenLabs, McpServerConfigInput

base_url, key, server_id = sys.argv[1:4]
gets, creates = int(sys.argv[4]), int(sys.argv[5])
prefix = sys.argv[6]


async def main():
    mcp = AsyncElevenLabs(api_key=key, base_url=base_url).conversational_ai.mcp_servers
    calls = [mcp.get(server_id) for _ in range(gets)]
    calls += [
        mcp.create(config=McpServerConfigInput(url="https://mcp.example.com/mcp", name=f"{prefix}{i}"))
        for i in range(creates)
    ]
    start = time.perf_counter()
    results = await asyncio.gather(*calls, return_exceptions=True)
    seconds = time.perf_counter() - start
    failed = sum(1 for r in results if isinstance(r, BaseException))
    print(json.dumps({"sdk": f"elevenlabs {version('elevenlabs')} (Python)", "seconds": seconds, "failed": failed}))


asyncio.run(main())
