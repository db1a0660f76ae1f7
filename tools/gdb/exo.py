# tools/gdb/exo.py — gdb helpers for Exo programs on the sim (docs/debugging.md).
#
#   gdb -x tools/gdb/exo.py --args build/servers/vfs/vfs      (or `source` it in gdb)
#
# Pretty-printers:
#   exo_tid_t    4.1 (0x10001)      thread number.version, and the id as the kernel logs it
#   exo_tag_t    label 0x42 u 2 t 2 flags 0x0
#   exo_msg_t    the tag, the untyped registers in use, each typed item decoded
#                (string items with their bytes, map and grant items with
#                their flexpage), the receive buffers offered
#   exo_fpage_t  0x200000000000/2^16 rw-
# Commands:
#   exo-ipc      the calling thread's channel to exosim and the IPC it is in
#                (`thread apply all exo-ipc` for every thread)
#
# The layouts follow include/exo/msg.h and include/exo/types.h; the channel
# state is libexo's (sim/lib/chan.c: self, nested, depth; sim/lib/ipc.c:
# ipc_now). Everything is read from the inferior's memory, so it works on a
# core file too.

import gdb
import gdb.printing

TID_VERSION_BITS = 14
NILTHREAD = 0
ANYTHREAD = 0xFFFFFFFF
ITEM_KINDS = {1: "string", 2: "map", 3: "grant"}
SIM_OPS = {2: "send", 3: "recv", 4: "call", 5: "reply-wait", 14: "page fault"}
TIMEOUT_NEVER = 0xFFFFFFFFFFFFFFFF
STRING_SHOW = 64  # string item bytes shown


def tid_text(v):
    v = int(v) & 0xFFFFFFFF
    if v == NILTHREAD:
        return "nil"
    if v == ANYTHREAD:
        return "any"
    return "%d.%d (0x%x)" % (v >> TID_VERSION_BITS, v & ((1 << TID_VERSION_BITS) - 1), v)


def tag_text(v):
    v = int(v) & 0xFFFFFFFFFFFFFFFF
    return "label 0x%x u %d t %d flags 0x%x" % (v >> 32, v & 0x7F, (v >> 7) & 0x7F, (v >> 16) & 0xF)


def rights_text(r):
    return ("r" if r & 4 else "-") + ("w" if r & 2 else "-") + ("x" if r & 1 else "-")


def fpage_text(v):
    v = int(v) & 0xFFFFFFFFFFFFFFFF
    if v == 0:
        return "nil"
    log2 = (v >> 4) & 0x3F
    if log2 == 1 and (v >> 12) == 0:
        return "complete " + rights_text(v & 7)
    return "0x%x/2^%d %s" % (v & ~0xFFF, log2, rights_text(v & 7))


def timeout_text(v):
    v = int(v) & 0xFFFFFFFFFFFFFFFF
    if v == TIMEOUT_NEVER:
        return "never"
    if v == 0:
        return "zero"
    return "%g ms" % (v / 1e6)


def read_bytes(addr, n):
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, n))
    except gdb.MemoryError:
        return None


def bytes_text(b, total):
    s = "".join(chr(c) if 32 <= c < 127 and c != 0x22 and c != 0x5C else "\\x%02x" % c for c in b)
    return '"%s"%s' % (s, "..." if total > len(b) else "")


class TidPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return tid_text(self.val)


class TagPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return tag_text(self.val)


class FpagePrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return fpage_text(self.val)


def msg_lines(m):
    """The fields of an exo_msg_t as (name, text) pairs."""
    tag = int(m["tag"]) & 0xFFFFFFFFFFFFFFFF
    u, t = tag & 0x7F, (tag >> 7) & 0x7F
    out = [("tag", tag_text(tag))]
    mr = m["mr"]
    nmr = int(mr.type.range()[1]) + 1
    for i in range(min(u, nmr)):
        out.append(("mr[%d]" % i, "0x%x" % (int(mr[i]) & 0xFFFFFFFFFFFFFFFF)))
    if u + t > nmr or t % 2:
        out.append(("typed", "bad counts: u %d t %d" % (u, t)))
        t = 0
    for i in range(u, u + t - 1, 2):
        w0 = int(mr[i]) & 0xFFFFFFFFFFFFFFFF
        w1 = int(mr[i + 1]) & 0xFFFFFFFFFFFFFFFF
        kind = ITEM_KINDS.get(w0 & 0xF)
        name = "mr[%d..%d]" % (i, i + 1)
        if kind == "string":
            n = w0 >> 32
            b = read_bytes(w1, min(n, STRING_SHOW)) if n and w1 else b""
            shown = bytes_text(b, n) if b is not None else "<unreadable>"
            out.append((name, "string %d bytes at 0x%x %s" % (n, w1, shown)))
        elif kind:
            out.append((name, "%s %s, send base 0x%x" % (kind, fpage_text(w1), w0 & ~0xFFF)))
        else:
            out.append((name, "unknown item kind %d: 0x%x 0x%x" % (w0 & 0xF, w0, w1)))
    nbr = int(m["nbr"])
    for i in range(min(nbr, int(m["br"].type.range()[1]) + 1)):
        br = m["br"][i]
        out.append(("br[%d]" % i, "%d bytes at 0x%x" % (int(br["size"]), int(br["ptr"]))))
    if int(m["rcv_window"]):
        out.append(("rcv_window", fpage_text(m["rcv_window"])))
    if int(m["sender_space"]):
        out.append(("sender_space", "%d" % int(m["sender_space"])))
    return out


class MsgPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return "exo_msg_t"

    def children(self):
        try:
            lines = msg_lines(self.val)
        except gdb.error as e:
            lines = [("error", str(e))]
        for name, text in lines:
            yield name, text


def lookup(val):
    """Match Exo's typedefs by name: they are plain integers underneath."""
    t = val.type
    while t.code == gdb.TYPE_CODE_TYPEDEF:
        name = t.name
        if name == "exo_tid_t":
            return TidPrinter(val)
        if name == "exo_tag_t":
            return TagPrinter(val)
        if name == "exo_fpage_t":
            return FpagePrinter(val)
        if name == "exo_msg_t":
            return MsgPrinter(val)
        t = t.target()
    if t.code == gdb.TYPE_CODE_STRUCT and t.tag == "exo_msg":
        return MsgPrinter(val)
    return None


def libexo_symbol(name, source):
    """A static symbol of libexo by its source file (several files may use the name)."""
    for sym in gdb.lookup_static_symbols(name):
        if sym.symtab and sym.symtab.filename.endswith(source):
            return sym
    sym = gdb.lookup_static_symbol(name)
    return sym


def chan_text(c):
    fd = int(c["fd"])
    if fd < 0:
        return "not joined"
    s = "fd %d, thread %s, space %d" % (fd, tid_text(c["tid"]), int(c["space"]))
    if int(c["in_ipc"]):
        s += ", in an interruptible IPC"
        if not int(c["sent"]):
            s += " (request not sent yet)"
        if int(c["interrupted"]) or int(c["abort_sent"]):
            s += " (interrupted by a signal)"
    return s


class ExoIpc(gdb.Command):
    """Print the current thread's channel to exosim and the IPC it is in.

Reads libexo's thread-local state: the thread's channel (sim/lib/chan.c),
the channels of nested calls made from signal handlers, and the IPC
operations in progress, innermost first, with their partner and message.
Use `thread apply all exo-ipc` for every thread."""

    def __init__(self):
        super().__init__("exo-ipc", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        thread = gdb.selected_thread()
        head = "thread %d" % thread.num if thread else "no thread"
        self_sym = libexo_symbol("self", "sim/lib/chan.c")
        now_sym = libexo_symbol("ipc_now", "sim/lib/ipc.c")
        if self_sym is None or now_sym is None:
            raise gdb.GdbError("exo-ipc: no libexo here (sim/lib/chan.c's symbols are missing)")
        frame = gdb.selected_frame()
        try:
            chan = self_sym.value(frame)
        except gdb.error as e:
            raise gdb.GdbError("exo-ipc: cannot read thread-local state: %s" % e)
        gdb.write("%s: channel %s\n" % (head, chan_text(chan)))
        depth_sym = libexo_symbol("depth", "sim/lib/chan.c")
        nested_sym = libexo_symbol("nested", "sim/lib/chan.c")
        if depth_sym is not None and nested_sym is not None:
            depth = int(depth_sym.value(frame))
            nested = nested_sym.value(frame)
            for i in range(int(nested.type.range()[1]) + 1):
                if int(nested[i]["fd"]) >= 0:
                    gdb.write("  nested channel %d (signal handlers): %s\n" % (i + 1, chan_text(nested[i])))
            if depth:
                gdb.write("  %d operation(s) in progress on its channels\n" % depth)
        rec = now_sym.value(frame)
        if int(rec) == 0:
            gdb.write("  no IPC in progress\n")
            return
        level = 0
        while int(rec) != 0 and level < 16:
            r = rec.dereference()
            op = int(r["op"])
            name = SIM_OPS.get(op, "op %d" % op)
            partner = int(r["partner"])
            if op == 2:
                what = "send to %s (send timeout %s)" % (tid_text(partner), timeout_text(r["snd"]))
            elif op == 3:
                what = "receive from %s (timeout %s)" % (tid_text(partner), timeout_text(r["rcv"]))
            elif op == 4:
                what = "call to %s (send timeout %s, reply timeout %s)" % (
                    tid_text(partner), timeout_text(r["snd"]), timeout_text(r["rcv"]))
            elif op == 5:
                what = "reply-wait: %s, then receive from any (timeout %s)" % (
                    "no reply" if partner == NILTHREAD else "reply to " + tid_text(partner),
                    timeout_text(r["rcv"]))
            else:
                what = "%s with %s" % (name, tid_text(partner))
            gdb.write("  %s: %s\n" % ("in IPC" if level == 0 else "inside", what))
            msg = r["msg"]
            if int(msg):
                gdb.write("    message at 0x%x:\n" % int(msg))
                for fname, text in msg_lines(msg.dereference()):
                    gdb.write("      %s = %s\n" % (fname, text))
            rec = r["outer"]
            level += 1


def register(objfile=None):
    gdb.printing.register_pretty_printer(objfile, lookup, replace=True)


# Plain function lookup (gdb.printing's collection matches struct names, not typedefs).
lookup.name = "exo"
lookup.enabled = True
register(None)
ExoIpc()
