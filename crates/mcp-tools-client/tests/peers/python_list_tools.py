"""Lists an MCP server's tools with the Python SDK's own client, as the reference the
peer tests compare ours with.

Usage: python_list_tools.py sse|streamable-http URL

Prints one line: a JSON array of the tool names, over every page, in the server's order.
"""

import asyncio
import json
import sys

from mcp import types
from mcp.client.session import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client


async def list_names(session: ClientSession) -> list[str]:
    await session.initialize()
    names: list[str] = []
    cursor = None
    while True:
        page = await session.list_tools(params=types.PaginatedRequestParams(cursor=cursor) if cursor else None)
        names.extend(tool.name for tool in page.tools)
        cursor = page.next_cursor
        if not cursor:
            return names


async def main(transport: str, url: str) -> None:
    if transport == "sse":
        connect = sse_client(url)
    elif transport == "streamable-http":
        connect = streamable_http_client(url)
    else:
        sys.exit(f"unknown transport {transport!r}: sse or streamable-http")
    async with connect as streams:
        read, write = streams[0], streams[1]
        async with ClientSession(read, write) as session:
            names = await list_names(session)
    print(json.dumps(names))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
