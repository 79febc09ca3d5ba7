"""The Python MCP SDK's own client listing every tool of a server, for BENCHMARKS.md.

Usage: mcp_list.py sse|streamable-http URL ROUNDS

Lists the server's tools ROUNDS times in one process (a fresh connection each time, as a
host does when it lists a server), following nextCursor through every page, and prints
one JSON line: the median seconds of a listing, the tools listed, and the peak of the
Python heap allocated during one listing (tracemalloc), in bytes.
"""

import asyncio
import json
import statistics
import sys
import time
import tracemalloc

import httpx2
from mcp import types
from mcp.client.session import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client


async def every_tool(session: ClientSession) -> int:
    await session.initialize()
    # Every tool kept until the end, as the Rust client returns them all.
    tools, cursor = [], None
    while True:
        params = types.PaginatedRequestParams(cursor=cursor) if cursor is not None else None
        page = await session.list_tools(params=params)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if cursor is None:
            return len(tools)


async def listing(transport: str, url: str) -> int:
    if transport == "sse":
        async with sse_client(url) as (read, write):
            async with ClientSession(read, write) as session:
                return await every_tool(session)
    async with httpx2.AsyncClient(timeout=httpx2.Timeout(30.0, read=300.0)) as http:
        async with streamable_http_client(url, http_client=http) as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                return await every_tool(session)


def main() -> None:
    transport, url, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    asyncio.run(listing(transport, url))  # warm: imports and first connection
    times = []
    tools = 0
    for _ in range(rounds):
        started = time.perf_counter()
        tools = asyncio.run(listing(transport, url))
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    asyncio.run(listing(transport, url))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"median_s": statistics.median(times), "tools": tools, "peak_bytes": peak}))


if __name__ == "__main__":
    main()
