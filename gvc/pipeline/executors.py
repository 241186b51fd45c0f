"""Where units run: in this process, in a local process pool, or on a Dask cluster.

One small interface, :class:`Executor`: ``submit(fn, *args)`` returns a handle;
``wait_any(handles)`` blocks until at least one is done and returns ``[(handle, result)]`` for
those done, so the driver loads a unit as soon as it is finished and keeps at most
``max_in_flight`` units submitted (a unit "starts" when it is submitted). A task that died (a
worker process killed, a lost Dask worker) gives its exception in place of a result.
:func:`as_completed` is the plain iterator over a fixed set of handles.

Spec strings (``--executor``):

* ``local``: sequential, in-process (a task runs when the driver asks for its result);
* ``local:N``: :class:`concurrent.futures.ProcessPoolExecutor` with N processes;
* ``dask``: a ``dask.distributed.LocalCluster`` with one single-threaded worker process per
  core (``dask:N`` for N workers);
* ``dask:ADDRESS``: ``Client(ADDRESS)`` to an existing scheduler, e.g. ``tcp://host:8786``
  started by dask-jobqueue on SLURM or dask-kubernetes; its workers must see the input and
  partition paths.

Dask is imported only when a ``dask`` executor is made (it is the optional extra
``gvc[dask]``).

BLAS threads: every worker process uses the BLAS thread count of the driver (its
``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS``, else all cores; a Dask ``LocalCluster`` is told
the same, overriding Dask's default of 1). LAPACK's LU gives results that depend on the thread
count in the last bit (measured on WIOD 2013, year 2000: ``B`` differs by at most 2.2e-16
between 1 and 2 OpenBLAS threads), so this is what makes ``local``, ``local:N`` and ``dask``
write identical tables. To avoid oversubscribing a machine with N processes, set
``OMP_NUM_THREADS=cores/N`` for the whole run (all executors then agree again).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from gvc.errors import InputError

log = logging.getLogger(__name__)


def blas_env() -> dict[str, str]:
    """The BLAS thread variables that give a new process this process's BLAS thread count.

    OpenBLAS reads ``OPENBLAS_NUM_THREADS``, then ``GOTO_NUM_THREADS``, then
    ``OMP_NUM_THREADS``, else uses every core it may run on; MKL reads ``MKL_NUM_THREADS``,
    then ``OMP_NUM_THREADS``.
    """
    env = os.environ
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    openblas = (
        env.get("OPENBLAS_NUM_THREADS")
        or env.get("GOTO_NUM_THREADS")
        or env.get("OMP_NUM_THREADS")
        or str(cores)
    )
    mkl = env.get("MKL_NUM_THREADS") or env.get("OMP_NUM_THREADS") or str(cores)
    return {
        "OPENBLAS_NUM_THREADS": openblas,
        "GOTO_NUM_THREADS": openblas,
        "OMP_NUM_THREADS": env.get("OMP_NUM_THREADS") or openblas,
        "MKL_NUM_THREADS": mkl,
    }


class Executor(Protocol):
    """What the driver needs from an executor."""

    name: str

    max_in_flight: int
    lazy: bool

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def wait_any(self, handles: Iterable[Any]) -> list[tuple[Any, Any]]: ...

    def close(self, abort: bool = False) -> None: ...


class _Deferred:
    def __init__(self, fn: Callable[..., Any], args: tuple):
        self.fn, self.args = fn, args


class LocalExecutor:
    """Sequential and in-process; a task runs when :meth:`wait_any` is asked for it."""

    name = "local"
    max_in_flight = 1
    #: tasks run only inside wait_any: submitting early would start nothing
    lazy = True

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Deferred:
        return _Deferred(fn, args)

    def wait_any(self, handles: Iterable[_Deferred]) -> list[tuple[_Deferred, Any]]:
        h = next(iter(handles))
        try:
            return [(h, h.fn(*h.args))]
        except Exception as exc:  # noqa: BLE001 - reported per task, like a pool
            return [(h, exc)]

    def close(self, abort: bool = False) -> None:
        pass


_PR_SET_PDEATHSIG = 1


def _watch_parent(parent: int) -> None:
    """Initializer of a pool worker: die with the driver, leave Ctrl-C to it.

    * SIGINT is ignored: a terminal sends Ctrl-C to the whole process group, and the driver
      (which gets it too) stops the workers itself and exits 130;
    * on Linux the kernel sends SIGKILL to the worker when the driver dies
      (``prctl(PR_SET_PDEATHSIG)``), SIGKILL of the driver included;
    * everywhere, a daemon thread checks every half second that the parent is still the
      driver and ends the process when it is not (the portable fallback).

    With the workers gone the multiprocessing resource tracker, whose pipe they held, sees
    end-of-file and exits too.
    """
    import signal
    import sys
    import threading
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            pass
    if os.getppid() != parent:  # the driver died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="gvc-parent-watch", daemon=True).start()


class ProcessExecutor:
    """``ProcessPoolExecutor(N)`` with the ``spawn`` start method (the driver holds DuckDB
    threads; forking them is unsafe). Workers end when the driver dies
    (``_watch_parent``); :meth:`close` with ``abort`` kills them at once (SIGTERM or
    Ctrl-C of the driver)."""

    def __init__(self, workers: int):
        import concurrent.futures as cf
        import multiprocessing as mp

        self.name = f"local:{workers}"
        self.lazy = False
        self.max_in_flight = workers
        self._cf = cf
        self._pool = cf.ProcessPoolExecutor(
            workers,
            mp_context=mp.get_context("spawn"),
            initializer=_watch_parent,
            initargs=(os.getpid(),),
        )

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._pool.submit(fn, *args)

    def wait_any(self, handles: Iterable[Any]) -> list[tuple[Any, Any]]:
        done, _ = self._cf.wait(list(handles), return_when=self._cf.FIRST_COMPLETED)
        out = []
        for fut in done:
            exc = fut.exception()
            out.append((fut, exc if exc is not None else fut.result()))
        return out

    def close(self, abort: bool = False) -> None:
        if abort:
            # the running units are abandoned (their partitions are written atomically and
            # a rerun recomputes them): stop the processes instead of waiting for them
            procs = list((getattr(self._pool, "_processes", None) or {}).values())
            for p in procs:
                if p.is_alive():
                    p.kill()
            self._pool.shutdown(wait=True, cancel_futures=True)
            for p in procs:
                p.join(timeout=5)
            return
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """``dask.distributed``: a fresh ``LocalCluster`` or a ``Client`` to a running scheduler."""

    def __init__(self, address: str | None = None, workers: int | None = None):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise InputError(
                "executor dask needs dask.distributed: pip install 'gvc[dask]'"
            ) from exc
        # distributed sets its loggers to INFO on import; keep them to warnings and errors
        logging.getLogger("distributed").setLevel(logging.WARNING)
        self._cluster = None
        self.lazy = False
        # a remote (possibly adaptive) cluster scales on pending tasks: submit them all
        self.max_in_flight = 1 << 30
        if address:
            self.name = f"dask:{address}"
            try:
                self._client = Client(address, timeout="30s")
            except OSError as exc:
                raise InputError(f"dask scheduler {address}: cannot connect: {exc}") from exc
        else:
            n = workers or os.cpu_count() or 1
            self.name = f"dask:{n}"
            self.max_in_flight = n
            # Dask's nanny sets OMP/MKL/OPENBLAS_NUM_THREADS=1 ("pre-spawn-environ") in this
            # process's environment before spawning workers, and that is what the workers'
            # BLAS sees; give it our thread count instead and undo the poisoning afterwards
            import dask

            pre = dict(dask.config.get("distributed.nanny.pre-spawn-environ") or {})
            saved = dict(os.environ)
            try:
                with dask.config.set(
                    {"distributed.nanny.pre-spawn-environ": {**pre, **blas_env()}}
                ):
                    self._cluster = LocalCluster(
                        n_workers=n,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.WARNING,
                    )
            finally:
                os.environ.clear()
                os.environ.update(saved)
            self._client = Client(self._cluster)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._client.submit(fn, *args, pure=False)

    def wait_any(self, handles: Iterable[Any]) -> list[tuple[Any, Any]]:
        from dask.distributed import wait

        done, _ = wait(list(handles), return_when="FIRST_COMPLETED")
        out = []
        for fut in done:
            try:
                res = fut.result()
            except Exception as exc:  # noqa: BLE001 - lost worker, cancelled task
                res = exc
            out.append((fut, res))
        return out

    def close(self, abort: bool = False) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def as_completed(ex: Executor, handles: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    """``(handle, result)`` for each of ``handles`` as it finishes."""
    pending = list(handles)
    while pending:
        for h, res in ex.wait_any(pending):
            pending.remove(h)
            yield h, res


def parse_executor(spec: str) -> tuple[str, int | None, str | None]:
    """``(kind, workers, address)`` of an executor spec string.

    >>> parse_executor("local:4")
    ('local', 4, None)
    >>> parse_executor("dask:tcp://10.0.0.5:8786")
    ('dask', None, 'tcp://10.0.0.5:8786')

    Raises
    ------
    InputError
        an unknown kind or a worker count below 1.
    """
    kind, _, rest = spec.partition(":")
    if kind == "local":
        if not rest:
            return "local", None, None
        if not rest.isdigit() or int(rest) < 1:
            raise InputError(f"executor {spec!r}: expected local:N with N >= 1")
        return "local", int(rest), None
    if kind == "dask":
        if not rest:
            return "dask", None, None
        if rest.isdigit():
            if int(rest) < 1:
                raise InputError(f"executor {spec!r}: expected dask:N with N >= 1")
            return "dask", int(rest), None
        return "dask", None, rest
    raise InputError(f"unknown executor {spec!r}; expected local, local:N, dask, dask:ADDRESS")


def make_executor(spec: str) -> Executor:
    """Build the executor a spec string names (see the module docstring)."""
    kind, workers, address = parse_executor(spec)
    if kind == "local":
        return LocalExecutor() if workers is None else ProcessExecutor(workers)
    return DaskExecutor(address, workers)
