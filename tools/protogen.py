#!/usr/bin/env python3
"""tools/protogen.py — a protocol's C header from its one declaration.

    protogen.py protocols/NAME.def OUT.h

The declaration (docs/protocols.md) names the operations with their number,
their request and reply fields, and the value names of enum and flag
fields. The header holds, for both targets:

  - enum NAME_op: PFX_<OP> = number, PFX_OP_COUNT;
  - struct NAME_<op>_in / _out with one fixed-width field a declared field
    (an array for u64[N], a pointer and a length for a string item), a
    _Static_assert that each fits the message registers, and inline
    functions that put them into and get them from a message;
  - NAME_proto: the description exo_proto_check (libexo/proto.c) checks a
    request against and exotrace prints fields by;
  - struct NAME_handlers and NAME_serve(): the server's dispatch, shape
    checks in one place, one handler an operation;
  - NAME_call_<op>(): the client stubs, over a transport the client gives
    (exo_proto_call_fn), which check the reply's word count.
"""
import os
import re
import sys

KINDS = {"u64": "EXO_PF_U64", "i64": "EXO_PF_I64", "space": "EXO_PF_SPACE", "mode": "EXO_PF_MODE"}


class Op:
    def __init__(self, name, num, held, alt=None):
        self.name, self.num, self.held, self.alt = name, num, held, alt
        self.doc, self.ins, self.outs = [], [], []


def is_label(kind):
    """label:SHIFT:MASK: a field carried in the request label's bits, not a register."""
    return kind.startswith("label:")


def label_parts(kind):
    _, shift, mask = kind.split(":")
    return shift, mask


def fail(path, line, msg):
    sys.exit(f"{path}:{line}: {msg}")


def parse(path):
    proto = {"name": None, "prefix": None, "headers": [], "enums": {}, "ops": [], "opmask": None, "alts": {}}
    op = None
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("doc ") else raw.rstrip()
            if not line.strip():
                continue
            w = line.split()
            if w[0] == "protocol" and len(w) == 3:
                proto["name"], proto["prefix"] = w[1], w[2]
            elif w[0] == "header" and len(w) == 2:
                proto["headers"].append(w[1])
            elif w[0] == "opmask" and len(w) == 2:
                proto["opmask"] = w[1]
            elif w[0] == "reply" and len(w) == 3:
                # Another reply some operations may give instead of their own:
                # its label (not an errno) and its fields, declared once.
                op = Op(w[1], 0, False)
                op.label = w[2]
                if w[1] in proto["alts"]:
                    fail(path, n, f"reply {w[1]}: declared twice")
                proto["alts"][w[1]] = op
            elif w[0] in ("enum", "flags") and len(w) >= 3:
                names = []
                for item in w[2:]:
                    if "=" not in item:
                        fail(path, n, f"{item}: a value name is CONSTANT=NAME")
                    c, s = item.split("=", 1)
                    names.append((c, s))
                proto["enums"][w[1]] = (w[0], names)
            elif w[0] == "op" and len(w) >= 3:
                held, alt = False, None
                for opt in w[3:]:
                    if opt == "held":
                        held = True
                    elif opt.startswith("reply=") and opt[6:] in proto["alts"]:
                        alt = opt[6:]
                    else:
                        fail(path, n, f"{opt}: an op's options are 'held' and 'reply=NAME' (a reply declared before)")
                op = Op(w[1], int(w[2]), held, alt)
                if any(o.num == op.num or o.name == op.name for o in proto["ops"]):
                    fail(path, n, f"op {op.name} {op.num}: a name or number used twice")
                proto["ops"].append(op)
            elif w[0] == "doc" and op:
                op.doc.append(line.strip()[4:])
            elif w[0] in ("in", "out") and op and len(w) == 3:
                kind = w[1]
                fields = op.ins if w[0] == "in" else op.outs
                if kind in ("string", "string?"):
                    if kind == "string" and any(k == "string?" for k, _ in fields):
                        fail(path, n, "a required string after an optional one")
                    if w[0] == "out" and any(is_string(k) for k, _ in fields):
                        fail(path, n, "a reply carries at most one string")
                elif re.fullmatch(r"label:[A-Za-z0-9_]+:[A-Za-z0-9_]+", kind):
                    if w[0] != "in" or op.num == 0:
                        fail(path, n, "a label field is a request's")
                elif re.fullmatch(r"u64\[[0-9]+\]", kind):
                    if not 1 <= int(kind[4:-1]) <= 64:
                        fail(path, n, f"{kind}: an array of 1 to 64 words")
                elif kind not in KINDS:
                    k, _, e = kind.partition(":")
                    if k not in ("enum", "flags") or e not in proto["enums"] or proto["enums"][e][0] != k:
                        fail(path, n, f"{kind}: not a field type (u64, i64, space, mode, enum:NAME, flags:NAME, "
                                  "u64[N], string, string?, label:SHIFT:MASK)")
                if any(fn == w[2] for _, fn in fields):
                    fail(path, n, f"{w[2]}: a field name used twice")
                fields.append((kind, w[2]))
            else:
                fail(path, n, f"cannot read: {line.strip()}")
    if not proto["name"]:
        fail(path, 1, "no 'protocol NAME PREFIX' line")
    return proto


def params(name, op, first):
    """A handler's or a stub's parameters: `first`, the op's in and out structs, its other reply."""
    lo = op.name.lower()
    args = [first]
    if op.ins:
        args.append(f"const struct {name}_{lo}_in *in")
    if op.outs:
        args.append(f"struct {name}_{lo}_out *out")
    if op.alt:
        args.append(f"struct {name}_{op.alt.lower()}_out *{op.alt.lower()}")
    return ", ".join(args)


def ctype(kind):
    return "int64_t" if kind == "i64" else "uint64_t"


def is_string(kind):
    return kind in ("string", "string?")


def words(kind):
    """Message registers a field takes: 0 for a string (an item), N for u64[N], else 1."""
    if is_string(kind) or is_label(kind):
        return 0
    if kind.startswith("u64["):
        return int(kind[4:-1])
    return 1


def nwords(fields):
    return sum(words(k) for k, _ in fields)


def emit(proto, src):
    name, pfx = proto["name"], proto["prefix"]
    ops = sorted(proto["ops"], key=lambda o: o.num)
    count = max(o.num for o in ops) + 1
    guard = f"EXO_{name.upper()}_PROTO_H"
    o = []
    o.append(f"/* Generated by tools/protogen.py from {src}: do not edit. */")
    o.append(f"#ifndef {guard}\n#define {guard}\n")
    o.append("#include <stdint.h>\n#include <string.h>\n")
    o.append("#include <exo/errno.h>\n#include <exo/proto.h>")
    for h in proto["headers"]:
        o.append(f"#include <{h}>")
    o.append("")
    o.append(f"enum {name}_op {{")
    for op in ops:
        o.append(f"\t{pfx}_{op.name} = {op.num},")
    o.append(f"\t{pfx}_OP_COUNT = {count},\n}};\n")

    for en, (kind, names) in proto["enums"].items():
        o.append(f"static const struct exo_proto_name {name}_{en}_names[] = {{")
        for c, s in names:
            o.append(f'\t{{ {c}, "{s}" }},')
        o.append("};")
    o.append("")

    def fields_table(op, side, fields):
        if not fields:
            return "NULL"
        t = f"{name}_{op.name.lower()}_{side}_fields"
        o.append(f"static const struct exo_proto_field {t}[] = {{")
        for kind, fn in fields:
            if is_string(kind):
                o.append(f'\t{{ "{fn}", EXO_PF_STRING, 0, NULL, 0, 0, 0 }},')
            elif is_label(kind):
                shift, mask = label_parts(kind)
                o.append(f'\t{{ "{fn}", EXO_PF_LABEL, 0, NULL, 0, {shift}, {mask} }},')
            elif kind.startswith("u64["):
                o.append(f'\t{{ "{fn}", EXO_PF_U64, 0, NULL, {words(kind)}, 0, 0 }},')
            elif kind in KINDS:
                o.append(f'\t{{ "{fn}", {KINDS[kind]}, 0, NULL, 1, 0, 0 }},')
            else:
                k, _, e = kind.partition(":")
                arr = f"{name}_{e}_names"
                ek = "EXO_PF_ENUM" if k == "enum" else "EXO_PF_FLAGS"
                o.append(f'\t{{ "{fn}", {ek}, sizeof({arr}) / sizeof({arr}[0]), {arr}, 1, 0, 0 }},')
        o.append("};")
        return t

    tables = {}
    alts = list(proto["alts"].values())
    for op in alts + ops:
        lo = op.name.lower()
        if op.doc:
            o.append("/* " + f"{pfx}_{op.name}: " + " ".join(op.doc) + " */")
        for side, fields in (("in", op.ins), ("out", op.outs)):
            if not fields:
                continue
            st = f"struct {name}_{lo}_{side}"
            o.append(f"{st} {{")
            for kind, fn in fields:
                if is_string(kind) and side == "out":
                    o.append(f"\tconst void *{fn}; /* the server's bytes; a client sets its buffer before the call */")
                    o.append(f"\tuint32_t {fn}_len; /* ... and its size there; then the bytes received */")
                elif is_string(kind):
                    o.append(f"\tconst char *{fn}; /* {'NULL: none; ' if kind == 'string?' else ''}not NUL-terminated */")
                    o.append(f"\tuint32_t {fn}_len;")
                elif kind.startswith("u64["):
                    o.append(f"\tuint64_t {fn}[{words(kind)}];")
                elif is_label(kind):
                    o.append(f"\tuint32_t {fn}; /* in the label's bits */")
                else:
                    o.append(f"\t{ctype(kind)} {fn};")
            o.append("};")
            nstr = sum(1 for k, _ in fields if is_string(k))
            o.append(f"_Static_assert({nwords(fields)} + {2 * nstr} <= EXO_MR_COUNT, "
                     f'"{name}.{op.name} {side}: more words than a message has");')
            o.append(f"#define {pfx}_{op.name}_{side.upper()}_WORDS {nwords(fields)} /* its registers */")
            o.append("/* Returns the typed words it put (its string items). */")
            o.append(f"static inline unsigned {name}_{lo}_{side}_put(exo_msg_t *m, const {st} *v)\n{{")
            o.append(f"\tunsigned i = {nwords(fields)};\n")
            at = 0
            for kind, fn in fields:
                if is_string(kind):
                    if kind == "string?":
                        o.append(f"\tif (v->{fn})\n\t\ti = exo_msg_put_string(m, i, v->{fn}, v->{fn}_len);")
                    else:
                        o.append(f"\ti = exo_msg_put_string(m, i, v->{fn}, v->{fn}_len);")
                elif kind.startswith("u64["):
                    o.append(f"\tmemcpy(&m->mr[{at}], v->{fn}, sizeof(v->{fn}));")
                    at += words(kind)
                elif is_label(kind):
                    continue
                else:
                    o.append(f"\tm->mr[{at}] = (uint64_t)v->{fn};")
                    at += 1
            o.append(f"\treturn i - {nwords(fields)};")
            o.append("}")
            labels = [(kind, fn) for kind, fn in fields if is_label(kind)]
            if labels:
                o.append("/* The label's bits the fields carried there take. */")
                o.append(f"static inline uint32_t {name}_{lo}_{side}_label(const {st} *v)\n{{")
                o.append("\treturn " + " | ".join(
                    f"(uint32_t)(v->{fn} & ({label_parts(kind)[1]})) << ({label_parts(kind)[0]})"
                    for kind, fn in labels) + ";")
                o.append("}")
            o.append(f"static inline void {name}_{lo}_{side}_get(const exo_msg_t *m, {st} *v)\n{{")
            if nstr:
                o.append(f"\tunsigned items = exo_tag_typed(m->tag) / EXO_ITEM_WORDS, u = exo_tag_untyped(m->tag);\n")
            if any(is_label(kd) for kd, _ in fields):
                o.append("\tuint32_t label = exo_tag_label(m->tag);\n")
            at = 0
            k = 0
            for kind, fn in fields:
                if is_string(kind):
                    ptype = "const void *" if side == "out" else "const char *"
                    o.append(f"\tv->{fn} = {k} < items ? ({ptype})(uintptr_t)m->mr[u + {2 * k + 1}] : NULL;")
                    o.append(f"\tv->{fn}_len = {k} < items ? exo_string_len(m->mr[u + {2 * k}]) : 0;")
                    k += 1
                elif kind.startswith("u64["):
                    o.append(f"\tmemcpy(v->{fn}, &m->mr[{at}], sizeof(v->{fn}));")
                    at += words(kind)
                elif is_label(kind):
                    shift, mask = label_parts(kind)
                    o.append(f"\tv->{fn} = (label >> ({shift})) & ({mask});")
                else:
                    o.append(f"\tv->{fn} = ({ctype(kind)})m->mr[{at}];")
                    at += 1
            o.append("}")
        tables[op.name] = (fields_table(op, "in", op.ins), fields_table(op, "out", op.outs))
        o.append("")

    for alt in alts:
        o.append(f"static const struct exo_proto_op {name}_{alt.name.lower()}_reply = {{")
        o.append(f'\t.name = "{alt.name}", .nout = {nwords(alt.outs)}, .out = {tables[alt.name][1]}, '
                 f".nfout = {len(alt.outs)}, .label = {alt.label},")
        o.append("};")
    o.append(f"static const struct exo_proto_op {name}_ops[{pfx}_OP_COUNT] = {{")
    for op in ops:
        ti, to = tables[op.name]
        req = sum(1 for k, _ in op.ins if k == "string")
        opt = sum(1 for k, _ in op.ins if k == "string?")
        sout = sum(1 for k, _ in op.outs if k == "string")
        sout_opt = sum(1 for k, _ in op.outs if k == "string?")
        bits = " | ".join(f"(uint32_t)({label_parts(k)[1]}) << ({label_parts(k)[0]})" for k, _ in op.ins if is_label(k))
        o.append(f'\t[{pfx}_{op.name}] = {{ .name = "{op.name}", .nin = {nwords(op.ins)}, .nout = {nwords(op.outs)}, '
                 f".held = {int(op.held)}, .in = {ti}, .out = {to}, .nfin = {len(op.ins)}, .nfout = {len(op.outs)},")
        o.append(f"\t\t.nstr = {req}, .nstr_opt = {opt}, .nstr_out = {sout}, .nstr_out_opt = {sout_opt}, "
                 f".label = {bits or 0}, .other = {('&' + name + '_' + op.alt.lower() + '_reply') if op.alt else 'NULL'} }},")
    o.append("};")
    mask = proto["opmask"] or "0"
    o.append(f'static const struct exo_proto {name}_proto = {{ "{name}", {pfx}_OP_COUNT, {name}_ops, {mask} }};\n')

    # The server's side.
    o.append("/*")
    o.append(f" * The {name} server's handlers: 0 (answer with *out), EXO_PROTO_HELD (no")
    o.append(" * answer now) or -XE_* (answer with that errno). NULL: ENOSYS. One with another")
    o.append(" * reply (reply=NAME in the declaration) returns EXO_PROTO_OTHER to answer with that.")
    o.append(" */")
    o.append(f"struct {name}_handlers {{")
    for op in ops:
        o.append(f"\tint (*{op.name.lower()})({params(name, op, 'void *ctx')});")
    o.append("};\n")
    o.append("/*")
    o.append(f" * Serve request m from `from`: its shape is checked (exo_proto_check), its")
    o.append(" * fields decoded, the handler run and the answer put into m (label 0 and the")
    o.append(" * reply's words, or the errno). Returns the handler's result, or the check's.")
    o.append(" */")
    o.append(f"static inline int {name}_serve(const struct {name}_handlers *h, void *ctx, exo_msg_t *m, exo_tid_t from)\n{{")
    o.append(f"\tint op = exo_proto_check(&{name}_proto, m, from), r = -XE_ENOSYS;\n")
    o.append("\tswitch (op) {")
    for op in ops:
        lo = op.name.lower()
        o.append(f"\tcase {pfx}_{op.name}: {{")
        if op.ins:
            o.append(f"\t\tstruct {name}_{lo}_in in;")
        if op.outs:
            o.append(f"\t\tstruct {name}_{lo}_out out;")
            o.append("\t\tmemset(&out, 0, sizeof(out));")
        if op.ins:
            o.append(f"\t\t{name}_{lo}_in_get(m, &in);")
        if op.alt:
            o.append(f"\t\tstruct {name}_{op.alt.lower()}_out other;")
            o.append("\t\tmemset(&other, 0, sizeof(other));")
        args = ["ctx"] + (["&in"] if op.ins else []) + (["&out"] if op.outs else []) + (["&other"] if op.alt else [])
        o.append(f"\t\tif (!h->{lo})\n\t\t\tbreak;")
        o.append(f"\t\tr = h->{lo}({', '.join(args)});")
        o.append("\t\tif (r == 0) {")
        if op.outs:
            o.append(f"\t\t\tunsigned typed = {name}_{lo}_out_put(m, &out);\n")
            o.append(f"\t\t\tm->tag = exo_tag(0, {nwords(op.outs)}, typed);")
        else:
            o.append(f"\t\t\tm->tag = exo_tag(0, 0, 0);")
        o.append("\t\t}")
        if op.alt:
            alt = proto["alts"][op.alt]
            o.append("\t\tif (r == EXO_PROTO_OTHER) {")
            o.append(f"\t\t\tunsigned typed = {name}_{alt.name.lower()}_out_put(m, &other);\n")
            o.append(f"\t\t\tm->tag = exo_tag({alt.label}, {nwords(alt.outs)}, typed);")
            o.append("\t\t}")
        o.append("\t\tbreak;\n\t}")
    o.append("\tdefault:\n\t\tr = op;\n\t\tbreak;\n\t}")
    o.append("\tif (r < 0)\n\t\tm->tag = exo_tag((uint32_t)-r, 0, 0);")
    o.append("\treturn r;\n}\n")

    # The client's side.
    for op in ops:
        lo = op.name.lower()
        o.append(f"static inline int {name}_call_{lo}({params(name, op, 'exo_proto_call_fn call')})\n{{")
        o.append("\texo_msg_t m;\n\tunsigned typed = 0;\n\tint r;\n")
        o.append("\tmemset(&m, 0, sizeof(m));")
        if op.ins:
            o.append(f"\ttyped = {name}_{lo}_in_put(&m, in);")
        label = f"{pfx}_{op.name}"
        if any(is_label(k) for k, _ in op.ins):
            label += f" | {name}_{lo}_in_label(in)"
        o.append(f"\tm.tag = exo_tag({label}, {nwords(op.ins)}, typed);")
        sout = [fn for k, fn in op.outs if is_string(k)]
        opt_out = any(k == "string?" for k, _ in op.outs)
        for fn in sout:
            o.append(f"\tif (out->{fn})\n\t\texo_msg_accept_string(&m, (void *)(uintptr_t)out->{fn}, out->{fn}_len);")
        o.append("\tr = call(&m);")
        if op.alt:
            alt = proto["alts"][op.alt]
            o.append(f"\tif (exo_tag_label(m.tag) == {alt.label}) {{")
            o.append(f"\t\tif (exo_tag_untyped(m.tag) != {nwords(alt.outs)} || exo_tag_typed(m.tag) != 0)")
            o.append("\t\t\treturn -XE_EIO;")
            o.append(f"\t\t{name}_{op.alt.lower()}_out_get(&m, {op.alt.lower()});")
            o.append("\t\treturn EXO_PROTO_OTHER;\n\t}")
        o.append("\tif (r < 0)\n\t\treturn r;")
        typed_ok = (f"(exo_tag_typed(m.tag) != 0 && exo_tag_typed(m.tag) != {2 * len(sout)})" if opt_out
                    else f"exo_tag_typed(m.tag) != {2 * len(sout)}")
        o.append(f"\tif (exo_tag_untyped(m.tag) != {nwords(op.outs)} || {typed_ok})")
        o.append("\t\treturn -XE_EIO; /* not the reply the protocol declares */")
        if op.outs:
            o.append(f"\t{name}_{lo}_out_get(&m, out);")
        o.append("\treturn 0;\n}\n")
    o.append(f"#endif")
    return "\n".join(o) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: protogen.py DECLARATION OUT.h")
    src, out = sys.argv[1], sys.argv[2]
    proto = parse(src)
    text = emit(proto, "protocols/" + os.path.basename(src))
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
