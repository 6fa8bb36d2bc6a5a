"""Executes a notebook with Deno's kernel and writes its HTML report (and the executed notebook).

What `jupyter nbconvert --execute --to html` does, with two differences the report task needs:

- the executed notebook (`--executed`) and the report are written even when a cell fails, as
  papermill does: they show the error where it happened, and the runs the execution logged
  before it can still carry them;
- the kernel runs in `--cwd` (the folder of the notebook the cells come from), so a notebook
  given as a copy with parameters injected runs where its original lives.

Cells are executed by DenoExecutePreprocessor (see deno_execute.py), which keeps the outputs
Deno's kernel publishes after reporting a cell idle. Exits 1, with the error on stderr, when a
cell fails or the kernel dies; the files are written either way.

Used by harness/jupyter.ts:
  python execute_notebook.py NOTEBOOK --cwd DIR --name NAME --html OUT.html
                             [--executed OUT.ipynb] [--timeout 600] [--no-input]
"""
import argparse
import sys

import nbformat
from nbconvert import HTMLExporter

from deno_execute import DenoExecutePreprocessor

FAILURE_MARKER = "--- the execution failed ---"


def main():
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

    nb = nbformat.read(args.notebook, as_version=4)
    executor = DenoExecutePreprocessor(timeout=args.timeout, kernel_name=args.kernel)
    failure = None
    try:
        # The executor fills `nb` in place, cell by cell: on failure it holds what ran.
        executor.preprocess(nb, {"metadata": {"path": args.cwd}})
    except Exception as e:  # a failed cell, a timeout, a dead kernel: report, then say so
        failure = e

    if args.executed:
        nbformat.write(nb, args.executed)
    # nbconvert's --no-input, as options of the exporter.
    hide = dict(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter = HTMLExporter(**(hide if args.no_input else {}))
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": args.name}})
    with open(args.html, "w", encoding="utf-8") as f:
        f.write(body)

    if failure is not None:
        # The marker lets the caller tell the failure from the warnings before it.
        sys.stderr.write(f"{FAILURE_MARKER}\n{type(failure).__name__}: {failure}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
