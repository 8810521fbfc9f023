"""The runner in a Python function's process: load the handler, call it once, write the outcome.

Run by the emulator as ``python -u python_bootstrap.py RESULT_FILE`` in the version's unpacked
code (``LAMBDA_TASK_ROOT``), with the function's environment only. It reads one JSON request from
stdin (``event``: the payload's text; ``context``: the fields of Lambda's context object), and
writes to RESULT_FILE one JSON object: ``{"payload": TEXT}`` (what the handler returned, as JSON)
or ``{"error": {...}}`` (Lambda's Python error shape), with ``duration_ms`` and ``max_memory_mb``.
What the handler prints goes to stdout and stderr: the emulator keeps it as the run's log.

Standard library only: it runs in the function's process, before the handler's imports.
"""

import importlib
import json
import os
import resource
import sys
import sysconfig
import time
import traceback


class Context:
    """Lambda's context object: the fields and the one method the Python runtime offers."""

    def __init__(self, fields, deadline_ms):
        self.function_name = fields["function_name"]
        self.function_version = fields["function_version"]
        self.invoked_function_arn = fields["invoked_function_arn"]
        self.memory_limit_in_mb = fields["memory_limit_in_mb"]
        self.aws_request_id = fields["aws_request_id"]
        self.log_group_name = fields["log_group_name"]
        self.log_stream_name = fields["log_stream_name"]
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


def _limit_memory():
    # The function's memory size as the process's address space: where the OS allows it, an
    # allocation past it fails (MemoryError) instead of growing the machine's memory.
    megabytes = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0") or 0)
    if megabytes > 0:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (megabytes * 1024 * 1024, megabytes * 1024 * 1024))
        except (ValueError, OSError):
            pass  # a hard limit already lower, or an OS without it: run unlimited


def _error(kind, message, request_id, trace=()):
    return {"errorMessage": message, "errorType": kind, "requestId": request_id, "stackTrace": list(trace)}


def _handler(name, request_id):
    """The handler function, or Lambda's error for a handler that cannot be loaded."""
    module_path, _, function_name = name.rpartition(".")
    if not module_path or not function_name:
        return None, _error("Runtime.MalformedHandlerName", f"Bad handler '{name}': not enough values to unpack "
                            "(expected 2, got 1)", request_id)
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # noqa: BLE001 (any import failure is the function's error)
        return None, _error("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}",
                            request_id)
    handler = getattr(module, function_name, None)
    if handler is None:
        return None, _error("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module "
                            f"'{module_name}'", request_id)
    return handler, None


def _run(request):
    fields = request["context"]
    request_id = fields["aws_request_id"]
    handler, error = _handler(os.environ.get("_HANDLER", ""), request_id)
    if error is not None:
        print(f"[ERROR] {error['errorType']}: {error['errorMessage']}", file=sys.stderr)
        return {"error": error}
    event = json.loads(request["event"])
    context = Context(fields, fields["deadline_ms"])
    try:
        result = handler(event, context)
    except Exception as failure:  # noqa: BLE001 (any exception is the function's error)
        frames = traceback.extract_tb(failure.__traceback__)[1:]  # without this runner's frame
        print(f"[ERROR] {type(failure).__name__}: {failure}", file=sys.stderr)
        traceback.print_exception(failure, file=sys.stderr)
        return {"error": _error(type(failure).__name__, str(failure), request_id, traceback.format_list(frames))}
    try:
        return {"payload": json.dumps(result)}
    except (TypeError, ValueError) as failure:
        return {"error": _error("Runtime.MarshalError", f"Unable to marshal response: {failure}", request_id)}


def _peak_memory_mb():
    # VmHWM starts afresh at exec; ru_maxrss on Linux may still count the parent's memory at fork.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main():
    result_file = sys.argv[1]
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    sys.path[0] = task_root  # the handler's modules, not this runner's folder
    # Started with -S: the interpreter's installed packages (boto3, as on Lambda) after the
    # handler's own, without running their .pth files.
    sys.path.append(sysconfig.get_paths()["purelib"])
    os.chdir(task_root)
    request = json.loads(sys.stdin.read())
    _limit_memory()
    started = time.monotonic()
    outcome = _run(request)
    outcome["duration_ms"] = (time.monotonic() - started) * 1000
    outcome["max_memory_mb"] = _peak_memory_mb()
    sys.stdout.flush()
    sys.stderr.flush()
    with open(result_file, "w") as stream:
        json.dump(outcome, stream)


if __name__ == "__main__":
    main()
