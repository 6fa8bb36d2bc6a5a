"""nbconvert's ExecutePreprocessor, tolerant of Deno's kernel publishing outputs late.

Deno's Jupyter kernel (2.9) sometimes publishes a cell's `execute_result` or `display_data`
on IOPub *after* the `status: idle` that ends the cell. nbclient stops listening at idle, so
those outputs were silently dropped from executed notebooks (measured here: 2 of 20 cells).
JupyterLab is not affected (it routes messages by parent whenever they arrive). This
preprocessor keeps listening after idle until the cell's `execute_result` (the last message Deno
sends for a cell) has arrived, for at most `late_output_grace` seconds, and keeps what arrives
for the same cell.

Used by `deno task report` as:
  jupyter nbconvert --Exporter.preprocessors='["deno_execute.DenoExecutePreprocessor"]'
                    --DenoExecutePreprocessor.enabled=True ...
"""
import asyncio
import queue

from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets import Float


class DenoExecutePreprocessor(ExecutePreprocessor):
    late_output_grace = Float(
        1.0,
        help="Seconds to keep collecting a cell's outputs after the kernel reports idle, "
        "unless its execute_result (the last message Deno sends for a cell) has arrived.",
    ).tag(config=True)

    def _has_result(self, cell):
        return any(o.get("output_type") == "execute_result" for o in cell.get("outputs", []))

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.late_output_grace
        while not self._has_result(cell) and (remaining := deadline - loop.time()) > 0:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=remaining))
            except queue.Empty:
                break
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass
