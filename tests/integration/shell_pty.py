#!/usr/bin/env python3
"""Drive Exo's interactive shell through a pseudo-terminal, as a person would.

Usage: shell_pty.py EXOSIM BOOTLIST INIT
       shell_pty.py -- COMMAND [ARGS...]      (riscv64: hw/riscv64/qemu-run.sh KERNEL IMAGE)

Boots exosim (or COMMAND, which boots Exo some other way) into init on a
new pseudo-terminal, waits for the shell's
prompt, types a command line and checks its echo and output, starts
`sleep 100` and interrupts it with ^C (the shell must come back long before
100 s), checks `$?` is 130, then types `exit 3` and expects exosim to end
with status 3 and leave no process behind.
"""
import os
import pty
import select
import signal
import sys
import time

if sys.argv[1] == "--":
    command = sys.argv[2:]
else:
    exosim, boot, init = sys.argv[1:4]
    command = [exosim, "-q", "--boot", boot, "--exec", init]
TIMEOUT = float(os.environ.get("EXO_PTY_TIMEOUT", "60"))

pid, fd = pty.fork()
if pid == 0:
    os.execv(command[0], command)

seen = b""


def read_until(token, timeout=TIMEOUT):
    global seen
    end = time.time() + timeout
    while token not in seen:
        left = end - time.time()
        if left <= 0:
            raise SystemExit("timed out waiting for %r; got:\n%s" % (token, seen.decode(errors="replace")))
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                raise SystemExit("the terminal closed waiting for %r; got:\n%s" % (token, seen.decode(errors="replace")))
            seen += data
    i = seen.index(token) + len(token)
    got, seen = seen[:i], seen[i:]
    return got


def type_line(s):
    os.write(fd, s.encode())


def fail(msg):
    os.kill(pid, signal.SIGKILL)
    raise SystemExit(msg)


read_until(b"$ ")
# ^C at the prompt throws the line away; the next line arrives whole. (Whether
# the shell prompts again depends on whether the signal met its read or came
# just before it, as on any kernel: the check is on the next line only.)
os.write(fd, b"\x03")
time.sleep(0.5)
type_line("echo hello from exo\r")
# The typed line's echo, then the command's output on a line of its own.
read_until(b"echo hello from exo\r\nhello from exo\r\n")
read_until(b"$ ")

type_line("sleep 100\r")
read_until(b"sleep 100")
time.sleep(1.0)
t0 = time.time()
os.write(fd, b"\x03")
read_until(b"$ ", timeout=20)
if time.time() - t0 > 15:
    fail("^C did not interrupt sleep 100")
type_line("echo status=$?\r")
out = read_until(b"$ ")
if b"status=130" not in out:
    fail("sleep killed by ^C should give status 130: %r" % out)

# Job control: ^Z stops the foreground job, jobs lists it, fg brings it back
# (and ^C ends it there), a background job shows in jobs and is waited for.
type_line("sleep 100\r")
read_until(b"sleep 100")
time.sleep(1.0)
os.write(fd, b"\x1a")
out = read_until(b"$ ", timeout=20)
if b"Stopped" not in out:
    fail("^Z did not stop sleep 100: %r" % out)
type_line("jobs\r")
out = read_until(b"$ ")
if b"Stopped" not in out or b"sleep 100" not in out:
    fail("jobs does not list the stopped job: %r" % out)
type_line("fg\r")
read_until(b"sleep 100")
time.sleep(1.0)
os.write(fd, b"\x03")
read_until(b"$ ", timeout=20)
type_line("sleep 1 & wait; echo waited=$?\r")
out = read_until(b"waited=")
out += read_until(b"$ ")
if b"waited=0" not in out:
    fail("background job and wait: %r" % out)

type_line("exit 3\r")
deadline = time.time() + TIMEOUT
while True:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    if time.time() > deadline:
        fail("exosim did not end after exit")
    try:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            os.read(fd, 4096)
    except OSError:
        pass
code = os.waitstatus_to_exitcode(status)
if code != 3:
    raise SystemExit("exosim ended with %d, not the shell's 3" % code)
print("ok: prompt, echo, output, ^C of sleep 100, $? = 130, ^Z/jobs/fg, & and wait, exit status 3")
