"""`python -m dashboard [--port N]`: serve the dashboard on 127.0.0.1 (what `make dashboard` runs).

The port defaults to `$CS_DASHBOARD_PORT` (8501); the data is `$CS_PUBLISH_PATH`. Streamlit runs with
no file watcher, no usage statistics and no browser opened, bound to the loopback address only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
REPO_ROOT = APP.parents[1]
DEFAULT_PORT = 8501


def streamlit_command(port: int, python: str = sys.executable) -> list[str]:
    """The `streamlit run` command line serving the dashboard on 127.0.0.1:`port`."""
    return [
        python,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
        "--client.toolbarMode=viewer",
    ]


def streamlit_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment with the repo root importable (the pages import the `dashboard` package)."""
    env = dict(os.environ if environ is None else environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def main(argv: Sequence[str] | None = None) -> int:
    """Replace this process with the Streamlit server."""
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("CS_DASHBOARD_PORT", DEFAULT_PORT)), help="CS_DASHBOARD_PORT"
    )
    args = parser.parse_args(argv)
    command = streamlit_command(args.port)
    data = os.environ.get("CS_PUBLISH_PATH", "warehouse/cs_rules_published.duckdb")
    print(f"dashboard: http://127.0.0.1:{args.port}/ over {data}", flush=True)
    os.execvpe(command[0], command, streamlit_env())
    return 0  # unreachable


if __name__ == "__main__":
    raise SystemExit(main())
