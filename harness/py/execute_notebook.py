"""Executes notebooks with Deno's kernel and writes their HTML reports (and executed notebooks).

What `jupyter nbconvert --execute --to html` does, with what the report task and the demo need:

- the executed notebook (`--executed`) and the report are written even when a cell fails, as
  papermill does: they show the error where it happened, and the runs the execution logged
  before it can still carry them;
- the kernel runs in `--cwd` (the folder of the notebook the cells come from), so a notebook
  given as a copy with parameters injected runs where its original lives;
- several notebooks run at once in one process (`--jobs`), each in its own kernel, a notebook
  waiting for those it names in `after` (other jobs' executions, or gates released on stdin)
  before its first cell — its kernel starts at once — and one execution can be exported
  several times (with and without its code).

Cells are executed by DenoExecutePreprocessor (see deno_execute.py), which keeps the outputs
Deno's kernel publishes after reporting a cell idle.

One notebook (exits 1, with the error on stderr after a marker line, when a cell fails or the
kernel dies; the files are written either way):
  python execute_notebook.py NOTEBOOK --cwd DIR --name NAME --html OUT.html
                             [--executed OUT.ipynb] [--timeout 600] [--no-input]

Several notebooks:
  python execute_notebook.py --jobs
    stdin, first line: a JSON list of jobs, each {"name", "notebook", "cwd", "exports":
      [{"html", "noInput"}], "executed"?, "timeout"?, "env"?, "after"?: [names]};
    stdin, later lines: names of gates released (a name in "after" that is not a job's);
    stdout: a JSON line per finished job: {"name", "html": [...], "executed", "error",
      "phases": seconds spent {"kernel" starting, "waited" for "after", "cells" executing,
      "report" writing}}; exits 1 when a job failed. A gate still closed when stdin ends fails the jobs
      waiting for it.
"""
import argparse
import asyncio
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

# jsonschema (through nbformat) imports rfc3987_syntax when it is installed, which builds about
# forty parsers on import (two seconds here) for the "iri" format no notebook schema uses;
# without it jsonschema leaves that format unchecked.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402

from deno_execute import DenoExecutePreprocessor  # noqa: E402

FAILURE_MARKER = "--- the execution failed ---"

# nbconvert's --no-input, as options of the exporter.
HIDE_INPUT = dict(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


def export_html(nb, name, path, no_input):
    exporter = HTMLExporter(**(HIDE_INPUT if no_input else {}))
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)


async def execute(job, before_cells=None):
    """Executes one job's notebook; returns it and the failure (an exception) or None."""
    nb = nbformat.read(job["notebook"], as_version=4)
    executor = DenoExecutePreprocessor(
        timeout=job.get("timeout", 600),
        kernel_name=job.get("kernel", "deno"),
        resources={"metadata": {"path": job["cwd"]}},
    )
    executor.nb = nb
    env = {**os.environ, **job.get("env", {})}
    try:
        # The executor fills `nb` in place, cell by cell: on failure it holds what ran.
        # The kernel's own output goes to stderr: stdout carries the results.
        await executor.async_execute_notebook(
            before_cells=before_cells, env=env, stdout=sys.stderr
        )
        return nb, None
    except Exception as e:  # a failed cell, a timeout, a dead kernel: report, then say so
        return nb, e


def write_files(job, nb):
    if job.get("executed"):
        nbformat.write(nb, job["executed"])
    for export in job["exports"]:
        export_html(nb, job["name"], export["html"], export.get("noInput", False))


def describe(failure):
    return f"{type(failure).__name__}: {failure}"


def main_one():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--cwd", required=True, help="the folder the kernel starts in")
    parser.add_argument("--name", required=True, help="the report's title")
    parser.add_argument("--html", required=True, help="where to write the HTML report")
    parser.add_argument("--executed", help="where to write the executed notebook")
    parser.add_argument("--timeout", type=int, default=600, help="seconds a cell may run")
    parser.add_argument("--kernel", default="deno")
    parser.add_argument("--no-input", action="store_true", help="leave the code out")
    args = parser.parse_args()
    job = {
        "name": args.name,
        "notebook": args.notebook,
        "cwd": args.cwd,
        "exports": [{"html": args.html, "noInput": args.no_input}],
        "executed": args.executed,
        "timeout": args.timeout,
        "kernel": args.kernel,
    }
    nb, failure = asyncio.run(execute(job))
    write_files(job, nb)
    if failure is not None:
        # The marker lets the caller tell the failure from the warnings before it.
        sys.stderr.write(f"{FAILURE_MARKER}\n{describe(failure)}\n")
        sys.exit(1)


async def run_jobs(jobs):
    loop = asyncio.get_running_loop()
    names = {job["name"] for job in jobs}
    done = {name: asyncio.Event() for name in names}
    gates = {
        gate: asyncio.Event()
        for job in jobs
        for gate in job.get("after", [])
        if gate not in names
    }
    closed = asyncio.Event()  # stdin ended: gates still closed never open

    def release(line):
        if not line:
            closed.set()
        elif line.strip() in gates:
            gates[line.strip()].set()

    def read_gates():
        # A thread of its own (a daemon: the process may end while it waits for a line).
        while True:
            line = sys.stdin.readline()
            loop.call_soon_threadsafe(release, line)
            if not line:
                return

    async def wait_for(name):
        event = done.get(name) or gates[name]
        if name in done:
            await event.wait()
            return
        waiters = [asyncio.ensure_future(event.wait()), asyncio.ensure_future(closed.wait())]
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for w in waiters:
            w.cancel()
        if not event.is_set():
            raise RuntimeError(f"'{name}' was never released")

    # HTML exports run one at a time beside the event loop, so kernels keep being served.
    exports = ThreadPoolExecutor(max_workers=1)
    failed = False

    async def run(job):
        nonlocal failed
        marks = {"start": time.perf_counter()}

        async def before_cells():
            marks["kernel"] = time.perf_counter()
            for name in job.get("after", []):
                await wait_for(name)
            marks["waited"] = time.perf_counter()

        try:
            nb, failure = await execute(job, before_cells)
            marks["cells"] = time.perf_counter()
            # What the execution logged is there: the jobs that wait for it may start.
            done[job["name"]].set()
            await loop.run_in_executor(exports, write_files, job, nb)
            marks["report"] = time.perf_counter()
        except Exception as e:  # the notebook could not be read or written
            failure = e
        finally:
            done[job["name"]].set()
        # Seconds spent starting the kernel, waiting for the jobs and gates named in "after",
        # executing the cells (the kernel shut down), and writing the files.
        phases, last = {}, marks["start"]
        for phase in ("kernel", "waited", "cells", "report"):
            if phase in marks:
                phases[phase], last = marks[phase] - last, marks[phase]
        failed = failed or failure is not None
        result = {
            "name": job["name"],
            "html": [export["html"] for export in job["exports"]],
            "executed": job.get("executed"),
            "error": None if failure is None else describe(failure),
            "phases": phases,
        }
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()

    threading.Thread(target=read_gates, daemon=True).start()
    await asyncio.gather(*(run(job) for job in jobs))
    exports.shutdown()
    return failed


def main_jobs():
    jobs = json.loads(sys.stdin.readline())
    sys.exit(1 if asyncio.run(run_jobs(jobs)) else 0)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--jobs"]:
        main_jobs()
    else:
        main_one()
