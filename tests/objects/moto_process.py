"""moto's S3 server in a child process, for the object storage tests.

The parent starts ``serve`` in a spawned process and reads the server's
``(host, port)`` from the pipe; closing its end of the pipe stops the server.
"""

from __future__ import annotations

import logging
from multiprocessing.connection import Connection

from moto.server import ThreadedMotoServer


def serve(connection: Connection) -> None:
    """Run moto on 127.0.0.1 (a free port) until the parent closes the pipe."""
    # One log line per request would bury the test output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    connection.send(server.get_host_and_port())
    try:
        connection.recv()
    except EOFError:
        pass
    finally:
        server.stop()
