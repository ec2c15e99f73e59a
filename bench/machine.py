"""The machine and the settings a run was measured with.

Numbers from a benchmark mean little without the CPU, the cores, the memory, the
llama.cpp build, the model file and its threads and context size; the load average at
the start and end, and the CPU that other processes used during each measurement
(:class:`OtherLoad`), say how busy a shared machine was meanwhile.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
from pathlib import Path


def parse_cpu_model(cpuinfo: str) -> str | None:
    """The CPU's name from the text of ``/proc/cpuinfo`` (x86 and ARM spellings)."""
    for key in ("model name", "Hardware", "Processor", "cpu model"):
        for line in cpuinfo.splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key and value.strip():
                return value.strip()
    return None


# The instruction sets that decide llama.cpp's speed here: prompt evaluation is about
# three times slower on a machine with AVX2 only than on one with AVX-512.
SPEED_FLAGS = ("avx2", "fma", "f16c", "avx512f", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile")


def parse_cpu_flags(cpuinfo: str) -> list[str]:
    """Which of :data:`SPEED_FLAGS` the first CPU of ``/proc/cpuinfo`` reports."""
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            present = set(value.split())
            return [flag for flag in SPEED_FLAGS if flag in present]
    return []


def parse_mem_total(meminfo: str) -> int | None:
    """Total memory in bytes from the text of ``/proc/meminfo``."""
    for line in meminfo.splitlines():
        if line.startswith("MemTotal:"):
            parts = line.split()
            return int(parts[1]) * 1024  # the kernel writes kB (KiB)
    return None


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def cpu_model() -> str:
    return parse_cpu_model(_read("/proc/cpuinfo")) or platform.processor() or platform.machine()


def ram_bytes() -> int | None:
    total = parse_mem_total(_read("/proc/meminfo"))
    if total is None:
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            return None
    return total


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def llama_cpp_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("llama-cpp-python")
    except Exception:  # not installed: the raw and chain steps will say so
        return None


def facts(settings) -> dict:
    """What the run was measured on: machine, llama.cpp build, model file and settings."""
    model = Path(settings.model_path)
    size = model.stat().st_size if model.is_file() else None  # follows a symlink into the cache
    return {
        "cpu": cpu_model(),
        "cpu_flags": parse_cpu_flags(_read("/proc/cpuinfo")),
        "cores": os.cpu_count(),
        "ram_bytes": ram_bytes(),
        "load_average_start": load_average(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "llama_cpp_python": llama_cpp_version(),
        "model_file": model.name,
        "model_bytes": size,
        "threads": settings.threads,
        "context_size": settings.context_size,
        "max_answer_tokens": settings.max_answer_tokens,
        "prompt_layout": getattr(settings, "prompt_layout", None),
    }


def rss_mb() -> float | None:
    """This process's resident memory now, in MB (Linux); shows a freed model is gone."""
    for line in _read("/proc/self/status").splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) * 1024 / 1e6, 1)
    return None


def parse_cpu_busy(stat: str, ticks_per_s: float) -> float | None:
    """Busy CPU seconds of all cores since boot, from the text of ``/proc/stat``."""
    for line in stat.splitlines():
        if line.startswith("cpu "):
            fields = [int(x) for x in line.split()[1:]]
            # user nice system idle iowait irq softirq steal (guest time is inside user)
            idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
            busy = sum(fields[:8]) - idle
            return busy / ticks_per_s
    return None


def _cpu_busy() -> float | None:
    try:
        ticks = os.sysconf("SC_CLK_TCK")
    except (ValueError, OSError, AttributeError):
        return None
    return parse_cpu_busy(_read("/proc/stat"), ticks)


def _own_cpu() -> float:
    """CPU seconds of this process and of its children that have been waited for."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def other_share(busy_s: float, own_s: float, wall_s: float, cores: int) -> float | None:
    """The share of the machine's CPU (0..1) that other processes used over ``wall_s``."""
    if wall_s <= 0 or cores <= 0:
        return None
    return min(1.0, max(0.0, (busy_s - own_s) / (wall_s * cores)))


class OtherLoad:
    """``with OtherLoad() as load: ...`` then ``load.share``: the share of all cores
    that other processes used meanwhile (Linux; ``None`` elsewhere). On a shared
    machine it says which measurements other work disturbed."""

    share: float | None = None

    def __enter__(self) -> OtherLoad:
        self._busy, self._own, self._wall = _cpu_busy(), _own_cpu(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        busy = _cpu_busy()
        if busy is not None and self._busy is not None:
            share = other_share(busy - self._busy, _own_cpu() - self._own,
                                time.perf_counter() - self._wall, os.cpu_count() or 1)
            self.share = None if share is None else round(share, 3)
