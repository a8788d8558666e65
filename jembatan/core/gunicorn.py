"""gunicorn settings hooks: ``gunicorn -c python:jembatan.core.gunicorn jembatan.wsgi``.

With PROMETHEUS_MULTIPROC_DIR set, every worker writes its metrics to files of its own in
that directory and ``/metrics`` sums them (jembatan.core.metrics). The directory must be
emptied before the server starts (scripts/run-prod.sh does it); a worker that exits has
its live gauges' files marked dead here, so a restarted worker does not count twice.
"""

from __future__ import annotations

import os
from typing import Any


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# No control socket (gunicornc): nothing here uses it, and every master on a host would
# otherwise open the same $HOME/.gunicorn/gunicorn.ctl (two app servers on one host, the
# production profile's two).
control_socket_disable = True
