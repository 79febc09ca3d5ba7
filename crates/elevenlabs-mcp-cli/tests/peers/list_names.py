"""Lists an MCP server's tools with the Python SDK's own client (mcp 2.x), following
`nextCursor` through every page.

Usage: list_names.py sse|streamable-http URL [--token TOKEN] [--header NAME=VALUE]...

Prints one line to stdout: a JSON array of the tool names, in the server's order. Fails
(non-zero exit, the error on stderr) when the server refuses the connection.
"""

import argparse
import asyncio
import json
import sys

import httpx2
from mcp import types
from mcp.client.session import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

# Far more pages than any test serves: a server that never stops paging is an error.
MAX_PAGES = 1000


async def list_names(session: ClientSession) -> list[str]:
    await session.initialize()
    names: list[str] = []
    cursor = None
    for _ in range(MAX_PAGES):
        params = types.PaginatedRequestParams(cursor=cursor) if cursor is not None else None
        page = await session.list_tools(params=params)
        names.extend(tool.name for tool in page.tools)
        cursor = page.next_cursor
        if cursor is None:
            return names
    raise RuntimeError(f"still a nextCursor after {MAX_PAGES} pages")


async def run(transport: str, url: str, headers: dict[str, str]) -> list[str]:
    if transport == "sse":
        async with sse_client(url, headers=headers) as (read, write):
            async with ClientSession(read, write) as session:
                return await list_names(session)
    # streamable_http_client takes no headers in 2.x: they go on the httpx2 client it is given.
    timeout = httpx2.Timeout(30.0, read=300.0)
    async with httpx2.AsyncClient(headers=headers, timeout=timeout) as http_client:
        async with streamable_http_client(url, http_client=http_client) as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                return await list_names(session)


def header_arg(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transport", choices=["sse", "streamable-http"])
    parser.add_argument("url")
    parser.add_argument("--token")
    parser.add_argument("--header", type=header_arg, action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    headers = dict(args.header)
    if args.token is not None:
        headers["Authorization"] = f"Bearer {args.token}"
    try:
        names = asyncio.run(run(args.transport, args.url, headers))
    except Exception as error:  # one line on stderr rather than nested task-group tracebacks
        sys.exit(f"list_names: {describe(error)}")
    print(json.dumps(names))


def describe(error: BaseException) -> str:
    """The innermost errors of the transports' task groups, joined by "; ".

    The Streamable HTTP client reports a non-2xx answer whose body is not a JSON-RPC error
    as the JSON-RPC error -32603 "Server returned an error response", without the status."""
    if isinstance(error, BaseExceptionGroup):
        return "; ".join(describe(inner) for inner in error.exceptions)
    return f"{type(error).__name__}: {error}"


if __name__ == "__main__":
    main()
