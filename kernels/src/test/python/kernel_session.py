"""A small client for protocol tests: start the tokenlab kernel, run cells, collect what it publishes."""
import time
from queue import Empty

from jupyter_client.manager import KernelManager

TIMEOUT = 60


class KernelSession:
    def __init__(self, stderr=None):
        self.km = KernelManager(kernel_name="tokenlab")
        kwargs = {"stderr": stderr} if stderr is not None else {}
        self.km.start_kernel(**kwargs)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=TIMEOUT)

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def collect(self, msg_id, timeout=TIMEOUT):
        """iopub messages of one request, up to its idle status."""
        out = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                m = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            except Empty:
                break
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return out
            out.append(m)
        raise AssertionError(f"no idle status for {msg_id} within {timeout} s; got {[x['msg_type'] for x in out]}")

    def reply(self, msg_id, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
            if m["parent_header"].get("msg_id") == msg_id:
                return m
        raise AssertionError(f"no reply for {msg_id}")

    def run(self, code, timeout=TIMEOUT):
        """(reply content, iopub messages) of one cell."""
        msg_id = self.kc.execute(code)
        reply = self.reply(msg_id, timeout)
        return reply["content"], self.collect(msg_id, timeout)

    def value(self, code):
        content, msgs = self.run(code)
        assert content["status"] == "ok", (code, content)
        results = [m for m in msgs if m["msg_type"] == "execute_result"]
        return results[-1]["content"]["data"]["text/plain"] if results else None
