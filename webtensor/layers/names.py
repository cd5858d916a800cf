"""Names: tfjs's unique layer names, snake_case/camelCase spellings, and lookups by name
that suggest the close valid names when a name is unknown."""
import difflib
import re

_UIDS = {}  # prefix -> last number used (tfjs's getUid: one global counter per prefix)


def uid(prefix):
    _UIDS[prefix] = _UIDS.get(prefix, 0) + 1
    return f"{prefix}{_UIDS[prefix]}"


def snake_case(name):
    """tfjs's toSnakeCase: 'glorotUniform' and 'GlorotUniform' -> 'glorot_uniform', and a digit
    stays with the capital after it ('Conv2D' -> 'conv2d'); snake_case is unchanged."""
    s = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def camel_case(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def lookup(table, name, kind):
    """table[name] for a name in snake_case or camelCase (or a Keras class name)."""
    if not isinstance(name, str):
        raise TypeError(f"{kind}: expected a name (str), got {type(name).__name__}")
    for key in (name, snake_case(name), name.lower()):  # 'RMSProp' -> 'rmsprop'
        if key in table:
            return table[key]
    close = difflib.get_close_matches(snake_case(name), list(table), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"unknown {kind} {name!r}{hint} (valid: {', '.join(sorted(table))})")
