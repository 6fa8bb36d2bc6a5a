"""nbconvert's ExecutePreprocessor, tolerant of Deno's kernel publishing outputs late.

Deno's Jupyter kernel (2.9) sometimes publishes a cell's `execute_result` or `display_data` on
IOPub *after* the `status: idle` that ends the cell (the message is sent by a task of its own,
which can lose the race to the idle; it still names the cell's request as its parent). nbclient
stops listening at idle, so such outputs were silently dropped from executed notebooks
(measured here: 2 of 20 cells). JupyterLab is not affected: it routes messages by parent
whenever they arrive.

This preprocessor does the same. After a cell's idle it moves on to the next cell at once, and a
message that arrives later for an earlier cell goes to that cell's outputs. Once the last cell
is done it asks the kernel something (`kernel_info`) and keeps routing until that request's
idle: IOPub delivers the kernel's messages in the order it sent them, and a late output was sent
long before the kernel took the next request. So no output is lost, and no cell waits: before,
every cell without a result waited for one for a second (`late_output_grace`), which is now only
how long the final request's idle is awaited.

Used by `execute_notebook.py`, and by nbconvert as:
  jupyter nbconvert --Exporter.preprocessors='["deno_execute.DenoExecutePreprocessor"]'
                    --DenoExecutePreprocessor.enabled=True ...
"""
import asyncio
import queue

from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async, run_sync
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets import Float


class DenoExecutePreprocessor(ExecutePreprocessor):
    late_output_grace = Float(
        1.0,
        help="Seconds the idle of the request sent after the last cell is awaited (the "
        "outputs published late arrive before it).",
    ).tag(config=True)

    def reset_execution_trackers(self):
        super().reset_execution_trackers()
        # The cells executed so far, by the msg_id of their execute_request.
        self._cells_by_request = {}

    def _route(self, msg):
        """Adds a message that belongs to an earlier cell to that cell's outputs."""
        entry = self._cells_by_request.get(msg["parent_header"].get("msg_id"))
        if entry is None:
            return
        cell, index = entry
        try:
            self.process_message(msg, cell, index)
        except CellExecutionComplete:
            pass

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        self._cells_by_request[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                self._route(msg)
                continue
            try:
                # Will raise CellExecutionComplete when completed
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                return

    async def async_drain_late_outputs(self):
        """Routes the messages the kernel published before it answers one more request."""
        if self.kc is None:
            return
        loop = asyncio.get_running_loop()
        probe = await ensure_async(self.kc.kernel_info())
        deadline = loop.time() + self.late_output_grace
        while (remaining := deadline - loop.time()) > 0:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=remaining))
            except queue.Empty:
                return
            if msg["parent_header"].get("msg_id") == probe:
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    return
                continue
            self._route(msg)

    async def async_execute_notebook(self, before_cells=None, **kernel_options):
        """Executes every cell from a new kernel (started with `kernel_options`, e.g. `env`),
        awaiting `before_cells()` (if given) once the kernel is ready, and collects late
        outputs before the kernel shuts down. Raises as nbclient's `async_execute` does; the
        notebook holds what ran."""
        self.reset_execution_trackers()
        async with self.async_setup_kernel(**kernel_options):
            assert self.kc is not None
            msg_id = await ensure_async(self.kc.kernel_info())
            info = await self.async_wait_for_reply(msg_id)
            if info is not None:
                self.nb.metadata["language_info"] = info["content"]["language_info"]
            if before_cells is not None:
                await before_cells()
            try:
                for index, cell in enumerate(self.nb.cells):
                    await self.async_execute_cell(
                        cell, index, execution_count=self.code_cells_executed + 1
                    )
            finally:
                await self.async_drain_late_outputs()
        self.set_widgets_metadata()
        return self.nb

    def preprocess(self, nb, resources=None, km=None):
        """nbconvert's entry point: executes `nb` in place (see `async_execute_notebook`)."""
        # As ExecutePreprocessor.preprocess does: a fresh client state for this notebook.
        NotebookClient.__init__(self, nb, km)
        self._check_assign_resources(resources)
        run_sync(self.async_execute_notebook)()
        return self.nb, self.resources
