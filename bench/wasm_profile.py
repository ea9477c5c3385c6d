#!/usr/bin/env python3
"""Where a WASM bundle's bytes go: the code size of each function, summed by what it is for.

    bench/wasm_profile.py FILE.wasm [TOP]

Reads the code section and the `name` section (which rustc's linker writes, and which
wasm-bindgen and wasm-opt drop, so give it the bundle before them:
$CARGO_TARGET_DIR/front/wasm32-unknown-unknown/wasm-release/orgspace.wasm). Prints the share
of code per kind, and the TOP largest functions. Sizes are before wasm-opt and before gzip:
read them as proportions.
"""
import collections
import re
import sys


def leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def sections(data):
    pos = 8
    while pos < len(data):
        kind = data[pos]
        size, pos = leb(data, pos + 1)
        yield kind, data[pos:pos + size]
        pos += size


def imported_functions(body):
    count, pos = leb(body, 0)
    functions = 0
    for _ in range(count):
        for _ in range(2):  # module and field names
            n, pos = leb(body, pos)
            pos += n
        kind = body[pos]
        pos += 1
        if kind == 0:  # function: type index
            _, pos = leb(body, pos)
            functions += 1
        elif kind == 1:  # table: reftype, limits
            pos += 1
            flags, pos = leb(body, pos)
            _, pos = leb(body, pos)
            if flags & 1:
                _, pos = leb(body, pos)
        elif kind == 2:  # memory: limits
            flags, pos = leb(body, pos)
            _, pos = leb(body, pos)
            if flags & 1:
                _, pos = leb(body, pos)
        elif kind == 3:  # global: type, mutability
            pos += 2
        else:
            pos += 1
    return functions


def function_names(body):
    names = {}
    pos = 0
    n, pos = leb(body, pos)
    pos += n  # "name"
    while pos < len(body):
        sub = body[pos]
        size, pos = leb(body, pos + 1)
        end = pos + size
        if sub == 1:
            count, p = leb(body, pos)
            for _ in range(count):
                index, p = leb(body, p)
                length, p = leb(body, p)
                names[index] = body[p:p + length].decode("utf-8", "replace")
                p += length
        pos = end
    return names


def demangle(name):
    """Rust's legacy mangling, roughly: enough to read a path."""
    if name.startswith("_ZN"):
        name = re.sub(r"17h[0-9a-f]{16}E$", "", name)
        name = re.sub(r"^_ZN(\d+)?", "", name)
        for code, text in (("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"),
                           ("$u7b$", "{"), ("$u7d$", "}"), ("$C$", ","), ("$BP$", "*"),
                           ("..", "::")):
            name = name.replace(code, text)
        name = re.sub(r"\d+(?=[A-Za-z_<{])", "::", name)
        name = name.strip(":")
    return name


# What a function is for, by the first pattern its name matches.
KINDS = [
    ("view type erasure (`.into_any()`: AnyView's build/hydrate/rebuild per view type)", r"any_view|AnyView|IntoAny"),
    ("serde: server function arguments and results (serde_json, serde_qs)", r"serde"),
    ("reactive_graph: signals, effects, resources, actions", r"reactive_graph|reactive_stores"),
    ("tachys: other view rendering and hydration", r"tachys"),
    ("server_fn: client side of server functions", r"server_fn"),
    ("leptos, leptos_router, leptos_meta", r"leptos"),
    ("orgspace's own functions and components", r"orgspace"),
    ("wasm-bindgen, js-sys, web-sys glue", r"wbindgen|wasm_bindgen|js_sys|web_sys|wbg"),
    ("core, alloc, std (formatting, collections, allocator)", r"core|alloc|std|dlmalloc|hashbrown"),
]


def kind_of(name):
    for kind, pattern in KINDS:
        if re.search(pattern, name):
            return kind
    return "other"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    data = open(path, "rb").read()
    imports = 0
    bodies = []
    names = {}
    data_bytes = 0
    for kind, body in sections(data):
        if kind == 2:
            imports = imported_functions(body)
        elif kind == 10:
            count, pos = leb(body, 0)
            for _ in range(count):
                size, pos = leb(body, pos)
                bodies.append(size)
                pos += size
        elif kind == 11:
            data_bytes = len(body)
        elif kind == 0 and body[1:5] == b"name":
            names = function_names(body)
    if not names:
        sys.exit("no name section: give the bundle before wasm-bindgen and wasm-opt")
    by_crate = collections.Counter()
    functions = []
    for i, size in enumerate(bodies):
        name = names.get(imports + i, f"<function {imports + i}>")
        by_crate[kind_of(name)] += size
        functions.append((size, demangle(name)))
    code = sum(bodies)
    print(f"{path}: {len(data):,} bytes, code {code:,} in {len(bodies):,} functions, data {data_bytes:,}")
    print()
    print("| what the code is for | code bytes | share |\n|---|---:|---:|")
    for crate, size in by_crate.most_common(20):
        print(f"| {crate} | {size:,} | {100 * size / code:.1f}% |")
    print()
    print(f"| largest functions | bytes |\n|---|---:|")
    for size, name in sorted(functions, reverse=True)[:top]:
        print(f"| `{name[:110]}` | {size:,} |")


main()
