"""Runs the kernel's protocol-level tests and writes "passed failed" to the file named by argv[1].

Uses Debian's Python (/usr/bin/python3) with jupyter_client and jupyter_kernel_test; the
tokenlab kernelspec must be installed (./tokenlab setup does it).
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    sys.path.insert(0, HERE)
    suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py")
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    with open(sys.argv[1], "w") as f:
        f.write(f"{passed} {failed}\n")
    print(f"kernel protocol tests: {passed} passed, {failed} failed, {len(result.skipped)} skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
