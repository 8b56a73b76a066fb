"""The Jupyter kernel conformance suite (jupyter_kernel_test) against the installed tokenlab kernel."""
import unittest

import jupyter_kernel_test


class TokenLabConformance(jupyter_kernel_test.KernelTests):
    kernel_name = "tokenlab"
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("to stderr");'

    completion_samples = [
        {"text": "Integer.MAX_V", "matches": {"MAX_VALUE"}},
        {"text": '"abc".toUpperC', "matches": {"toUpperCase("}},
    ]

    complete_code_samples = ["1 + 1", "int x = 1;", "void f() {}", "%time 1 + 1"]
    incomplete_code_samples = ["void f() {", "for (int i = 0; i < 3; i++)", "int[] a = {1, 2,"]
    invalid_code_samples = ["int x = 1; }"]

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"to" + "ken"', "result": "token"},
    ]

    code_display_data = [
        {"code": 'display("shown");', "mime": "text/plain"},
        {"code": "display(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB));", "mime": "image/png"},
        {"code": 'display(Table.create("t", DoubleColumn.create("x", 1, 2)));', "mime": "text/html"},
    ]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6 ? 7"

    code_inspect_sample = "Math.max"

    code_generate_error = 'throw new IllegalStateException("boom");'


if __name__ == "__main__":
    unittest.main()
