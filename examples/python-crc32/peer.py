"""A Python websockets peer speaking x-crc32 (crc32_extension.py), for the
interop test. `peer.py client URL` connects, sends the test messages, checks
the echoes and prints a JSON report. `peer.py server` runs an echo server on
127.0.0.1, prints its port, and stops when stdin closes.
"""
import asyncio
import json
import os
import sys

import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crc32_extension import ClientCrc32Factory, ServerCrc32Factory  # noqa: E402

MESSAGES = ["hello", b"\x00\x01\x02\xff", "ünïcödé " * 500, bytes(range(256)) * 400, ""]


async def client(url):
    async with websockets.connect(url, extensions=[ClientCrc32Factory()], compression=None, max_size=None) as ws:
        echoes = []
        for message in MESSAGES:
            await ws.send(message)
            echoes.append(await ws.recv())
        report = {
            "extensions": [e.name for e in ws.extensions],
            "ok": echoes == MESSAGES,
            "count": len(echoes),
        }
    print(json.dumps(report), flush=True)


async def server():
    async def echo(ws, path=None):
        async for message in ws:
            await ws.send(message)

    async with websockets.serve(echo, "127.0.0.1", 0, extensions=[ServerCrc32Factory()], compression=None, max_size=None) as srv:
        port = srv.sockets[0].getsockname()[1]
        print(json.dumps({"port": port}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    if sys.argv[1] == "client":
        asyncio.run(client(sys.argv[2]))
    else:
        asyncio.run(server())
