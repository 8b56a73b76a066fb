"""Protocol behaviour beyond the conformance suite: signatures, binding, interrupt, redefinition,
streams, updatable displays, shutdown and restart."""
import os
import tempfile
import time
import unittest
from queue import Empty

from jupyter_client.session import Session

from kernel_session import KernelSession


class SignatureTests(unittest.TestCase):
    def setUp(self):
        self.log = tempfile.NamedTemporaryFile(prefix="tokenlab-kernel-", suffix=".log", delete=False)
        self.k = KernelSession(stderr=self.log)

    def tearDown(self):
        self.k.close()
        self.log.close()
        os.unlink(self.log.name)

    def test_message_with_wrong_key_gets_no_reply_and_a_signed_one_does(self):
        forged = Session(key=b"not-the-kernel-key", username="intruder")
        msg = forged.msg("execute_request", content={
            "code": "System.exit(3)", "silent": False, "store_history": True,
            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        forged.send(self.k.kc.shell_channel.socket, msg)
        # other shell traffic (a late reply from start-up on a loaded machine) may arrive; none may answer the forgery
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                reply = self.k.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            except Empty:
                break
            self.assertNotEqual(reply["parent_header"].get("msg_id"), msg["header"]["msg_id"],
                                "the kernel answered a message signed with the wrong key")
        self.assertEqual(self.k.value("6 * 7"), "42")
        with open(self.log.name) as f:
            self.assertIn("wrong HMAC signature", f.read())

    def test_binds_only_the_connection_file_address(self):
        info = self.k.km.get_connection_info()
        self.assertEqual(info["ip"], "127.0.0.1")
        ports = {info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")}
        listening = {}
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            if not os.path.exists(table):
                continue
            with open(table) as f:
                for line in f.readlines()[1:]:
                    local, state = line.split()[1], line.split()[3]
                    if state != "0A":  # LISTEN
                        continue
                    addr, port = local.split(":")
                    listening.setdefault(int(port, 16), set()).add(addr)
        loopback = {"0100007F", "0000000000000000FFFF00000100007F"}  # 127.0.0.1, also as IPv4-mapped IPv6
        for port in ports:
            self.assertIn(port, listening, f"port {port} is not listening")
            self.assertTrue(listening[port] <= loopback, f"port {port} listens on {listening[port]}")


class ExecutionTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = KernelSession()

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def test_interrupt_stops_a_cpu_bound_loop_and_keeps_variables(self):
        self.assertIsNone(self.k.value("long kept = 42;"))
        msg_id = self.k.kc.execute("long spins = 0; while (true) { spins++; }")
        time.sleep(1.5)
        self.k.km.interrupt_kernel()
        reply = self.k.reply(msg_id, timeout=20)["content"]
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "Interrupted")
        self.assertEqual(self.k.value("kept"), "42")

    def test_redefined_method_and_class_are_picked_up_without_hanging(self):
        self.k.value("int base() { return 1; }")
        self.k.value("int twice() { return 2 * base(); }")
        self.assertEqual(self.k.value("twice()"), "2")
        self.k.run("int base() { return 5; }", timeout=20)
        self.assertEqual(self.k.value("twice()"), "10")
        self.k.value("record Point(int x) {}")
        self.k.value("Point p = new Point(1);")
        self.k.run("record Point(int x, int y) { int sum() { return x + y; } }", timeout=20)
        self.assertEqual(self.k.value("new Point(2, 3).sum()"), "5")

    def test_stdout_is_streamed_while_the_cell_runs(self):
        content, msgs = self.k.run(
            'for (int i = 0; i < 3; i++) { System.out.print("tick " + i + " "); Thread.sleep(400); }')
        self.assertEqual(content["status"], "ok")
        streams = [m for m in msgs if m["msg_type"] == "stream"]
        self.assertEqual("".join(m["content"]["text"] for m in streams), "tick 0 tick 1 tick 2 ")
        self.assertGreaterEqual(len(streams), 3, "output arrived in one piece at the end")

    def test_update_display_redraws_in_place(self):
        content, msgs = self.k.run('String line = display("step 0"); updateDisplay(line, "step 1");')
        self.assertEqual(content["status"], "ok")
        shown = [m for m in msgs if m["msg_type"] == "display_data"]
        updated = [m for m in msgs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(shown), 1)
        self.assertEqual(len(updated), 1)
        self.assertEqual(shown[0]["content"]["transient"]["display_id"],
                         updated[0]["content"]["transient"]["display_id"])
        self.assertEqual(updated[0]["content"]["data"]["text/plain"], "step 1")

    def test_markdown_shows_prose_formatted_from_variables(self):
        content, msgs = self.k.run('double psnr = 24.768; markdown("held-out PSNR **%.1f dB** from %,d digits", psnr, 1000);')
        self.assertEqual(content["status"], "ok")
        shown = [m for m in msgs if m["msg_type"] == "display_data"]
        self.assertEqual(len(shown), 1)
        self.assertEqual(shown[0]["content"]["data"]["text/markdown"], "held-out PSNR **24.8 dB** from 1,000 digits")
        self.assertEqual(shown[0]["content"]["data"]["text/plain"], "held-out PSNR **24.8 dB** from 1,000 digits")

    def test_display_as_a_statement_prints_no_extra_value(self):
        for code in ('display("once");', 'display("once")'):
            content, msgs = self.k.run(code)
            self.assertEqual(content["status"], "ok")
            published = [m["msg_type"] for m in msgs if m["msg_type"] not in ("execute_input", "status")]
            self.assertEqual(published, ["display_data"], code)

    def test_cells_do_not_record_autograd_outside_a_gradient_collector(self):
        # every cell runs on a new thread, and libtorch starts new threads with grad mode on
        self.assertEqual(self.k.value("NDManager.newBaseManager().getEngine().getEngineName()"), 'PyTorch')
        self.assertEqual(self.k.value("ai.djl.pytorch.jni.JniUtils.isGradMode()"), "false")
        self.assertEqual(self.k.value("ai.djl.pytorch.jni.JniUtils.isGradMode()"), "false")

    def test_compile_error_names_the_position_and_the_kernel_keeps_running(self):
        content, msgs = self.k.run('int a = 1;\nString b = a;')
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "CompilationError")
        self.assertIn("line 2, column 12", content["evalue"])
        self.assertEqual(self.k.value("a + 1"), "2")

    def test_runtime_exception_trace_is_trimmed_to_user_code(self):
        content, msgs = self.k.run("int divide(int n) { return n / 0; }\ndivide(1)")
        self.assertEqual(content["ename"], "ArithmeticException")
        trace = "\n".join(content["traceback"])
        self.assertIn("divide", trace)
        self.assertNotIn("org.tokenlab.kernel", trace)
        self.assertNotIn("jdk.internal", trace)

    def test_ndarray_image_is_rendered_as_png_with_a_summary(self):
        content, msgs = self.k.run(
            "NDManager nm = NDManager.newBaseManager();\nnm.linspace(-1f, 1f, 3 * 16 * 16).reshape(3, 16, 16)")
        self.assertEqual(content["status"], "ok")
        data = [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        self.assertIn("image/png", data)
        self.assertTrue(data["text/plain"].startswith("NDArray (3, 16, 16) float32 on cpu(): min -1"))


class LifecycleTests(unittest.TestCase):
    def test_restart_gives_a_fresh_session_and_shutdown_ends_the_process(self):
        k = KernelSession()
        try:
            self.assertIsNone(k.value("int before = 1;"))
            k.km.restart_kernel(now=False)
            k.kc.wait_for_ready(timeout=60)
            content, _ = k.run("before")
            self.assertEqual(content["status"], "error")
            self.assertEqual(k.value("1 + 1"), "2")
            k.km.shutdown_kernel(now=False)
            self.assertFalse(k.km.is_alive())
        finally:
            k.kc.stop_channels()
            if k.km.is_alive():
                k.km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main()
