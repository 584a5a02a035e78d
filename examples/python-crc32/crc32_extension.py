"""x-crc32 for Python's websockets: the original the TypeScript port in
extension.ts mirrors method for method. Every data frame gets the CRC-32 of its
payload appended and RSV3 set; the receiver checks and strips it.

Used by crc32.python.test.ts (as a peer against wsx) and by peer.py.
"""
import dataclasses
import struct
import zlib

from websockets.exceptions import NegotiationError, ProtocolError
from websockets.extensions.base import ClientExtensionFactory, Extension, ServerExtensionFactory
from websockets.frames import OP_BINARY, OP_CONT, OP_TEXT

NAME = "x-crc32"
DATA_OPCODES = (OP_CONT, OP_TEXT, OP_BINARY)


class Crc32Extension(Extension):
    name = NAME

    def encode(self, frame):
        if frame.opcode not in DATA_OPCODES:
            return frame
        checksum = struct.pack("!I", zlib.crc32(frame.data))
        return dataclasses.replace(frame, data=bytes(frame.data) + checksum, rsv3=True)

    def decode(self, frame, *, max_size=None):
        if frame.opcode not in DATA_OPCODES:
            return frame
        if not frame.rsv3:
            raise ProtocolError(f"{NAME}: data frame without RSV3 (no checksum)")
        if len(frame.data) < 4:
            raise ProtocolError(f"{NAME}: frame too short to hold a checksum")
        data, checksum = frame.data[:-4], frame.data[-4:]
        if max_size is not None and len(data) > max_size:
            raise ProtocolError(f"{NAME}: frame exceeds {max_size} bytes")
        if struct.unpack("!I", checksum)[0] != zlib.crc32(data):
            raise ProtocolError(f"{NAME}: checksum mismatch")
        return dataclasses.replace(frame, data=data, rsv3=False)


class ClientCrc32Factory(ClientExtensionFactory):
    name = NAME

    def get_request_params(self):
        return []

    def process_response_params(self, params, accepted_extensions):
        if params:
            raise NegotiationError(f"{NAME}: unexpected parameter {params[0][0]} in response")
        if any(isinstance(e, Crc32Extension) for e in accepted_extensions):
            raise NegotiationError(f"{NAME}: answered twice")
        return Crc32Extension()


class ServerCrc32Factory(ServerExtensionFactory):
    name = NAME

    def process_request_params(self, params, accepted_extensions):
        if params:
            raise NegotiationError(f"{NAME}: unexpected parameter {params[0][0]}")
        if any(isinstance(e, Crc32Extension) for e in accepted_extensions):
            raise NegotiationError(f"{NAME}: skipped duplicate")
        return [], Crc32Extension()
