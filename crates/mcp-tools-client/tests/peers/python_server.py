"""A small MCP server on the Python SDK (mcp 2.x), for the peer tests.

Usage: python_server.py sse|streamable-http PORT

Listens on 127.0.0.1 only: the SSE endpoint is /sse, the Streamable HTTP one /mcp (the
SDK's defaults). In mcp 2.x FastMCP is `mcp.server.mcpserver.MCPServer`
(`mcp.server.fastmcp` raises on import), and `run()` takes the transport and its
`host`/`port` as keyword arguments.
"""

import os
import sys
import threading
import time
from typing import Literal

from mcp.server.mcpserver import MCPServer

server = MCPServer("peer-python", version="1.0.0", log_level="WARNING")


@server.tool()
def add(a: int, b: int) -> int:
    """Adds two integers."""
    return a + b


@server.tool(description="Repeats a text a number of times.")
def repeat(text: str, times: int = 2, separator: str | None = None) -> str:
    return (separator or "").join([text] * times)


@server.tool(title="Weather lookup")
def weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> dict[str, object]:
    """Returns a made-up forecast for a city."""
    return {"city": city, "unit": unit, "temperature": 21}


def exit_with_parent() -> None:
    """The test kills this process when it ends; should the test itself be killed first,
    exit when it is gone rather than linger as an orphan."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


if __name__ == "__main__":
    threading.Thread(target=exit_with_parent, daemon=True).start()
    transport, port = sys.argv[1], int(sys.argv[2])
    if transport not in ("sse", "streamable-http"):
        sys.exit(f"unknown transport {transport!r}: sse or streamable-http")
    server.run(transport, host="127.0.0.1", port=port)
