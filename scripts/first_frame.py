#!/usr/bin/env python3
"""Times a full-screen terminal program from exec to its first complete frame.

    scripts/first_frame.py [options] --needle TEXT -- COMMAND [ARG...]

How it works, per run:

  * A pty is opened and its window size set (TIOCSWINSZ, 100x30 unless told otherwise);
    TERM=xterm-256color (COLUMNS and LINES are removed from the environment).
  * The program is forked and exec'ed with the pty's slave side as its controlling terminal
    (setsid, TIOCSCTTY) and as stdin, stdout and stderr. The child reads the clock
    (time.perf_counter, i.e. CLOCK_MONOTONIC, the same clock in every process) right before
    execve and sends it to the parent over a close-on-exec pipe, so t=0 is the exec itself,
    not the fork of a Python process.
  * The parent reads the master side continuously (poll + read), stamping every read with
    the time poll woke up, and answers terminal queries at once (cursor position, device
    status, primary/secondary/tertiary device attributes, window size in cells and pixels,
    DECRQM, XTVERSION, OSC 4/10/11/12 colour queries, DECRQSS/XTGETTCAP), like a terminal,
    so that a program that waits for an answer is not held up; the queries are recorded.
  * The bytes go to a terminal emulator: pyte if it can be imported, else a fallback that
    strips escape sequences and looks for the needle in the text (ignoring whitespace,
    since a program that skips blank cells with cursor moves prints no spaces). The
    emulator is fed only while no output is arriving (or when a query needs the cursor
    position), so its cost does not delay the time stamps of the reads.
  * The first frame is complete when the needle is on screen and then no output arrives
    for --quiet ms (default 30). The programs measured write a frame as a burst of writes
    well under a millisecond apart, and blatt redraws at most once per 50 ms tick after its
    first frame, so 30 ms separates the first frame from later ones (a 100 MB article's
    status line is redrawn while it loads). The time reported is that of the last read
    before the pause -- the last byte of the frame -- not the end of the pause. A program
    that closes the terminal (exits) ends its frame there too. "needle" is the time of the
    read after which the needle first showed, often the same read. The needle is looked
    for line by line: it must fit on one screen line.
  * Then the quit key (q) is sent; the program is waited for (SIGTERM, then SIGKILL, to its
    process group after --quit-timeout s), and the time from the key to its exit recorded.

With --keys (and --first), the run goes on after the first frame: once --first is on
screen and output pauses, the keys are typed (`G`, `50%`), and the time reported is from
the exec to the last byte of the frame that shows --needle (the end of the article, say):
what a person waits from starting the program to seeing the place. That figure includes
the harness's wait for the first frame to end (a pause of --quiet ms), which is longer for a
program that keeps updating its screen while it loads (blatt's `loading 45%`): the keys are
typed later for it. So it also reports, per run, the time the --first text showed plus the
time from typing the keys to the needle on screen: from the start to the place for a person
who types the keys the moment the first screen shows, the same rule for every program.

The figures include exec, dynamic linking and whatever the program does before drawing. The
floor -- what a trivial program costs, exec included -- is measured the same way:
`first_frame.py --needle hello -- printf hello` (compare.sh prints it). Of that floor, the
harness's own part (pty, poll wake-up, read) is a few tenths of a millisecond: printf
timed through a pipe instead of a pty takes nearly as long.

Output: one line with the median, min and max (ms) over --runs runs after --warmup
discarded runs; --tsv prints tab-separated fields for scripts (see print_tsv).
"""

import argparse
import fcntl
import os
import re
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time

try:
    import pyte
except ImportError:  # the fallback below does without
    pyte = None

# A complete escape sequence at the start of a byte string: CSI, OSC (BEL or ST), DCS/SOS/
# PM/APC (ST), or a short ESC sequence.
COMPLETE = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[ -/]*[0-~])"
)
# The sequences a program can ask a terminal with.
QUERY = re.compile(
    rb"\x1b\[([?>=]?)([0-9;]*)([ -/]*)([cnqtpu])"
    rb"|\x1b\](4;[0-9]+|1[0-2]);\?(\x07|\x1b\\)"
    rb"|\x1bP([$+]q)([^\x1b]*)\x1b\\"
)
STRIP = re.compile(COMPLETE.pattern + rb"|[\x00-\x1f\x7f]")


def split_incomplete(buf):
    """Splits off an escape sequence that a later read will finish."""
    i = buf.rfind(b"\x1b")
    if i < 0 or len(buf) - i > 512 or COMPLETE.match(buf, i):
        return buf, b""
    return buf[:i], buf[i:]


class PyteScreen:
    name = "pyte"

    def __init__(self, cols, rows):
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)

    def feed(self, data):
        self.stream.feed(data)

    def has(self, needle):
        return needle in "\n".join(self.screen.display)

    def cursor(self):
        return self.screen.cursor.y + 1, self.screen.cursor.x + 1

    def text(self):
        return "\n".join(line.rstrip() for line in self.screen.display)


class RawScreen:
    """No emulator: the text of the stream so far, escape sequences and spaces removed."""

    name = "raw text, no emulator"

    def __init__(self, cols, rows):
        self.buf = bytearray()

    def feed(self, data):
        self.buf += data

    def _text(self):
        return STRIP.sub(b"", bytes(self.buf)).decode("utf-8", errors="replace")

    def has(self, needle):
        return "".join(needle.split()) in "".join(self._text().split())

    def cursor(self):
        return 1, 1

    def text(self):
        return self._text()[-3000:]


def answer(m, screen, rows, cols):
    """(name of the query, reply bytes or None) for a QUERY match."""
    if m.group(4) is not None:
        prefix, params, inter, final = (g.decode() for g in m.group(1, 2, 3, 4))
        p = params or "0"
        if final == "n" and prefix in ("", "?") and p == "6":
            r, c = screen.cursor()
            return "cursor position (CSI 6n)", f"\x1b[{prefix}{r};{c}R".encode()
        if final == "n" and prefix == "" and p == "5":
            return "device status (CSI 5n)", b"\x1b[0n"
        if final == "c" and prefix == "" and p == "0" and not inter:
            return "primary device attributes (CSI c)", b"\x1b[?1;2c"
        if final == "c" and prefix == ">" and p == "0" and not inter:
            return "secondary device attributes (CSI >c)", b"\x1b[>0;276;0c"
        if final == "c" and prefix == "=" and not inter:
            return "tertiary device attributes (CSI =c)", b"\x1bP!|00000000\x1b\\"
        if final == "t" and prefix == "" and not inter and p in ("14", "16", "18"):
            reply = {"14": f"\x1b[4;{rows * 16};{cols * 8}t", "16": "\x1b[6;16;8t",
                     "18": f"\x1b[8;{rows};{cols}t"}[p]
            return f"window size (CSI {p}t)", reply.encode()
        if final == "p" and inter == "$":
            return f"mode report (DECRQM {prefix}{p})", f"\x1b[{prefix}{p};0$y".encode()
        if final == "q" and prefix == ">" and not inter:
            return "terminal version (XTVERSION)", b"\x1bP>|first_frame.py\x1b\\"
        if final == "u" and prefix == "?" and not inter:
            # Kitty keyboard flags: xterm does not answer; a program asking also asks CSI c.
            return "kitty keyboard flags (CSI ?u), not answered", None
        return None, None
    if m.group(5) is not None:
        what = m.group(5).decode()
        end = m.group(6)
        colour = "rgb:ffff/ffff/ffff" if what == "10" else "rgb:0000/0000/0000"
        return f"colour (OSC {what};?)", f"\x1b]{what};{colour}".encode() + end
    kind = m.group(7).decode()
    if kind == "$q":
        return "setting (DECRQSS)", b"\x1bP0$r\x1b\\"
    return "capability (XTGETTCAP)", b"\x1bP0+r\x1b\\"


class Run:
    """One run: fields are times in ms from exec, or None."""

    needle_ms = frame_ms = exit_ms = keys_ms = first_ms = None
    frame_bytes = frame_reads = later_bytes = 0
    killed = False
    ended = False  # ended before the quit key
    error = None


def run_once(path, argv, env, opts):
    rows, cols = opts.rows, opts.cols
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    report_r, report_w = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:  # the child: only system calls from here to execve
        try:
            os.close(master)
            os.close(report_r)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            if slave > 2:
                os.close(slave)
            t0 = time.perf_counter()
            os.write(report_w, struct.pack("d", t0))
            os.execve(path, argv, env)
        except BaseException as e:  # noqa: BLE001 - reported to the parent
            try:
                os.write(report_w, b"E" + repr(e).encode())
            finally:
                os._exit(127)
    os.close(slave)
    os.close(report_w)
    report = b""
    while True:  # end of file: the exec happened (close-on-exec) or the child died
        part = os.read(report_r, 4096)
        if not part:
            break
        report += part
    os.close(report_r)
    run = Run()
    run.queries = []
    if len(report) < 8 or report[8:]:
        run.error = "exec failed: " + report[9:].decode(errors="replace")
        os.waitpid(pid, 0)
        os.close(master)
        return run
    (t0,) = struct.unpack("d", report[:8])

    screen = (PyteScreen if pyte and not opts.no_pyte else RawScreen)(cols, rows)
    chunks = []  # (time, bytes)
    fed = 0
    needle_at = None
    carry = b""
    poller = select.poll()
    poller.register(master, select.POLLIN)
    deadline = t0 + opts.timeout
    closed = False

    # With keys to type, the first frame is waited for first (its needle: --first).
    looking_for = opts.first if opts.keys else opts.needle
    typed = not opts.keys
    typed_at = None

    def feed_all():
        nonlocal fed, needle_at
        while fed < len(chunks):
            screen.feed(chunks[fed][1])
            if needle_at is None and screen.has(looking_for):
                needle_at = fed
            fed += 1

    def read_some(now):
        """Reads what is there; False once the slave side is closed."""
        nonlocal carry
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: every process holding the slave side is gone
            return False
        if not data:
            return False
        chunks.append((now, data))
        scan, carry = split_incomplete(carry + data)
        for m in QUERY.finditer(scan):
            if m.group(4) == b"n":
                feed_all()  # cursor position: as of the end of this read
            name, reply = answer(m, screen, rows, cols)
            if name:
                run.queries.append(name)
            if reply:
                os.write(master, reply)
        return True

    frame_end = None
    while frame_end is None:
        now = time.perf_counter()
        if now >= deadline:
            break
        wait = deadline - now
        # Output so far not yet judged: wait for the pause that ends the frame.
        if chunks and (fed < len(chunks) or needle_at is not None):
            wait = min(wait, chunks[-1][0] + opts.quiet / 1000 - now)
        if wait <= 0 or closed:
            feed_all()  # output paused: the emulator catches up
            if needle_at is not None and not typed:
                # The first frame is up: type the keys, and look for what they show.
                os.write(master, opts.keys.encode())
                typed_at = time.perf_counter()
                run.first_ms = (chunks[needle_at][0] - t0) * 1000
                typed = True
                looking_for = opts.needle
                needle_at = None
                fed_before = fed
                feed_all()
                if screen.has(looking_for):  # already there (it should not be)
                    needle_at = fed_before
                continue
            if needle_at is not None:
                frame_end = len(chunks) - 1
            elif closed:
                break
            continue
        if poller.poll(max(1, int(wait * 1000 + 0.999))):
            closed = not read_some(time.perf_counter())

    if frame_end is None:
        run.error = "timeout" if not closed else "exited before the needle showed"
        if opts.show:
            feed_all()
            print(screen.text(), file=sys.stderr)
    else:
        run.needle_ms = (chunks[needle_at][0] - t0) * 1000
        run.frame_ms = (chunks[frame_end][0] - t0) * 1000
        if typed_at is not None:
            run.keys_ms = (chunks[needle_at][0] - typed_at) * 1000
        run.frame_bytes = sum(len(d) for _, d in chunks[: frame_end + 1])
        run.frame_reads = frame_end + 1
        if opts.show:
            print(screen.text(), file=sys.stderr)
    if opts.trace:
        for i, (t, d) in enumerate(chunks):
            mark = " <needle" if i == needle_at else ""
            mark += " <frame" if i == frame_end else ""
            print(f"  {(t - t0) * 1000:9.3f} ms {len(d):7d} B{mark}  {d[:60]!r}", file=sys.stderr)

    # Watch a little longer for later redraws (e.g. a status line being updated).
    if opts.watch and not closed:
        until = time.perf_counter() + opts.watch / 1000
        before = len(chunks)
        while not closed and (left := until - time.perf_counter()) > 0:
            if poller.poll(max(1, int(left * 1000))):
                closed = not read_some(time.perf_counter())
        run.later_bytes = sum(len(d) for _, d in chunks[before:])
        if opts.trace:
            for t, d in chunks[before:]:
                print(f"  {(t - t0) * 1000:9.3f} ms {len(d):7d} B (later)  {d[:60]!r}", file=sys.stderr)

    # Quit, and wait for the exit while draining the output.
    status = None
    done, status_ = os.waitpid(pid, os.WNOHANG)
    if done:
        status = status_
    # It ended by itself (like printf), or is ending (its terminal is closed): no time to
    # quit worth a figure.
    run.ended = bool(done) or closed
    t_quit = time.perf_counter()
    if not closed and status is None:
        try:
            os.write(master, opts.quit.encode())
        except OSError:
            pass
    kill_at = t_quit + opts.quit_timeout
    signals = [signal.SIGTERM, signal.SIGKILL]
    while status is None:
        done, status_ = os.waitpid(pid, os.WNOHANG)
        if done:
            status = status_
            run.exit_ms = (time.perf_counter() - t_quit) * 1000
            break
        if time.perf_counter() >= kill_at and signals:
            run.killed = True
            try:
                os.killpg(pid, signals.pop(0))
            except ProcessLookupError:
                pass
            kill_at = time.perf_counter() + 1
        if not closed and poller.poll(5):
            closed = not read_some(time.perf_counter())
        elif closed:
            time.sleep(0.0005)
    os.close(master)
    return run


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )
    ap.add_argument("--needle", required=True, help="text on the first screen")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1, help="runs done first and not counted")
    ap.add_argument("--cols", type=int, default=100)
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--term", default="xterm-256color")
    ap.add_argument("--quiet", type=float, default=30,
                    help="ms without output after which the frame is complete (30)")
    ap.add_argument("--timeout", type=float, default=60, help="s to wait for the frame")
    ap.add_argument("--quit", default="q", help="what to type to quit (q)")
    ap.add_argument("--quit-timeout", type=float, default=5,
                    help="s to wait for the exit before SIGTERM, then SIGKILL")
    ap.add_argument("--watch", type=float, default=0,
                    help="ms to keep reading after the frame, to see later redraws")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--unset", action="append", default=[], metavar="NAME")
    ap.add_argument("--empty-dir", action="append", default=[], metavar="NAME",
                    help="set NAME to a new empty directory for every run")
    ap.add_argument("--no-pyte", action="store_true", help="use the raw-text fallback")
    ap.add_argument("--keys", default="", help="keys to type once --first is on screen")
    ap.add_argument("--first", default=None, help="text on the first screen (with --keys)")
    ap.add_argument("--label", default=None)
    ap.add_argument("--tsv", action="store_true", help="tab-separated output for scripts")
    ap.add_argument("--trace", action="store_true", help="print every read (stderr)")
    ap.add_argument("--show", action="store_true", help="print the screen (stderr)")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    opts = ap.parse_args()
    if opts.keys and not opts.first:
        ap.error("--keys needs --first (the text of the screen to type them on)")
    argv = opts.command[1:] if opts.command[:1] == ["--"] else opts.command
    if not argv:
        ap.error("no command given")
    path = shutil.which(argv[0])
    if path is None:
        ap.error(f"{argv[0]}: not found")

    env = dict(os.environ)
    for name in ("COLUMNS", "LINES", *opts.unset):
        env.pop(name, None)
    env["TERM"] = opts.term
    for item in opts.env:
        name, _, value = item.partition("=")
        env[name] = value

    runs = []
    for i in range(opts.warmup + opts.runs):
        dirs = []
        for name in opts.empty_dir:
            dirs.append(tempfile.mkdtemp(prefix="first-frame."))
            env[name] = dirs[-1]
        try:
            run = run_once(path, argv, env, opts)
        finally:
            for d in dirs:
                shutil.rmtree(d, ignore_errors=True)
        if run.error:
            print(f"{opts.label or argv[0]}: run {i + 1}: {run.error}", file=sys.stderr)
            if opts.tsv:
                print("error\t" + run.error)
            sys.exit(1)
        if i >= opts.warmup:
            runs.append(run)

    frame = stats([r.frame_ms for r in runs])
    needle = stats([r.needle_ms for r in runs])
    # A program that mostly ends by itself (printf) has no quit time worth a figure.
    quitted = [r.exit_ms for r in runs if not r.ended]
    exits = stats(quitted) if len(quitted) * 2 > len(runs) else None
    nbytes = statistics.median(r.frame_bytes for r in runs)
    reads = statistics.median(r.frame_reads for r in runs)
    queries = sorted({q for r in runs for q in r.queries})
    killed = sum(r.killed for r in runs)
    later = statistics.median(r.later_bytes for r in runs)
    keys = stats([r.keys_ms for r in runs]) if opts.keys else None
    # The first screen on screen, plus the keys' time to their place: from the start to the
    # place for a person who types the keys the moment the first screen shows.
    place = stats([r.first_ms + r.keys_ms for r in runs]) if opts.keys else None
    if opts.tsv:
        print_tsv(frame, needle, exits, nbytes, reads, queries, killed, later, keys, place)
        return
    label = opts.label or " ".join(argv)
    print(f"{label}")
    print(f"  first frame  {frame[0]:8.2f} ms median  (min {frame[1]:.2f}, max {frame[2]:.2f}; "
          f"{len(runs)} runs, emulator: {(PyteScreen if pyte and not opts.no_pyte else RawScreen).name})")
    print(f"  needle shown {needle[0]:8.2f} ms median  (min {needle[1]:.2f}, max {needle[2]:.2f})")
    if keys:
        print(f"  keys → needle {keys[0]:7.2f} ms median  (min {keys[1]:.2f}, max {keys[2]:.2f})")
        print(f"  first shown + keys → needle {place[0]:.2f} ms median  (min {place[1]:.2f}, "
              f"max {place[2]:.2f})")
    print(f"  frame size   {nbytes:8.0f} bytes in {reads:.0f} reads")
    if exits:
        print(f"  q to exit    {exits[0]:8.2f} ms median  (min {exits[1]:.2f}, max {exits[2]:.2f})"
              + (f"; killed in {killed} runs" if killed else ""))
    if opts.watch:
        print(f"  later output {later:8.0f} bytes in the {opts.watch:.0f} ms after the frame")
    print(f"  queries      {', '.join(queries) if queries else 'none'}")


def print_tsv(frame, needle, exits, nbytes, reads, queries, killed, later, keys=None, place=None):
    """frame median/min/max, needle median, exit median, bytes, reads, killed, later bytes,
    queries (comma-separated or "none"), and with --keys the median from typing them to the
    needle on screen and the median of first screen shown + that ("-" without); times in
    ms."""
    fields = [f"{frame[0]:.2f}", f"{frame[1]:.2f}", f"{frame[2]:.2f}", f"{needle[0]:.2f}",
              f"{exits[0]:.2f}" if exits else "-", f"{nbytes:.0f}", f"{reads:.0f}",
              str(killed), f"{later:.0f}", ", ".join(queries) if queries else "none",
              f"{keys[0]:.2f}" if keys else "-", f"{place[0]:.2f}" if place else "-"]
    print("\t".join(fields))


if __name__ == "__main__":
    main()
