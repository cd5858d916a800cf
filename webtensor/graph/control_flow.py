"""Graphs with TensorFlow 1 control flow (while loops, conditionals: Enter, Merge, Switch,
NextIteration, Exit, LoopCond), as tfjs-converter runs them in executeAsync.

Values are keyed by node and context: the tuple of (frame, iteration) pairs of the loops they
live in. Enter moves a value into a frame's iteration 0 (a constant Enter into every iteration
of it), NextIteration into the next iteration, Exit out to the frame's parent; Switch sends
its data down one output and a DEAD marker down the other; a node with a dead input is dead,
except Merge, which forwards its first live input (a dead Exit or NextIteration is dropped:
the loop's last iteration is the one that leaves it). Ready nodes run outermost context first,
so every value a loop reads from outside exists before the loop runs."""
import heapq
import itertools

import numpy as np

from ..tensor import Tensor
from .tf_ops import OPS, TensorList

DEAD = object()
FLOW = {"Enter", "Exit", "Merge", "Switch", "NextIteration", "LoopCond"}
_EVERY = "*"  # the iteration of a constant Enter's value: all of them


def has_control_flow(nodes):
    return any(n.op in FLOW for n in nodes.values())


async def run_dynamic(model, feeds, wanted):
    """The wanted (node, index) values. No tidy spans the awaits (other tasks make tensors
    meanwhile): what this run made is disposed here, except the results."""
    values = {}
    try:
        result = await _run(model, feeds, wanted, values)
    except BaseException:
        _free(values, keep=set(), model=model, feeds=feeds)
        raise
    _free(values, {id(t) for t in result}, model, feeds)
    return result


def _free(values, keep, model, feeds):
    owned = keep | {id(t) for t in feeds.values()} | {id(t) for t in model.weights.values()}
    seen = set()
    for outs in values.values():
        stack = list(outs)
        while stack:
            v = stack.pop()
            if isinstance(v, TensorList):
                stack.extend(t for t in v.items if t is not None)
            elif isinstance(v, Tensor) and id(v) not in owned and id(v) not in seen:
                seen.add(id(v))
                v.dispose()


async def _run(model, feeds, wanted, values):
    nodes = model.nodes
    consumers = {}
    for node in nodes.values():
        for pos, (src, _) in enumerate(node.inputs):
            consumers.setdefault(src, []).append(node)
    fired, queue, order = set(), [], itertools.count()

    def lookup(name, ctx):
        while True:
            v = values.get((name, ctx))
            if v is not None:
                return v
            if not ctx:
                return None
            v = values.get((name, ctx[:-1] + ((ctx[-1][0], _EVERY),)))
            if v is not None:
                return v
            ctx = ctx[:-1]

    def emit(node, ctx, outs):
        values[(node.name, ctx)] = outs
        for reader in consumers.get(node.name, []):
            heapq.heappush(queue, (len(ctx), next(order), reader.name, ctx))

    for name, t in feeds.items():
        emit(nodes[name], (), [t])
    for name, t in model.weights.items():
        emit(nodes[name], (), [t])
    for node in nodes.values():  # nodes that read nothing (besides Const and Placeholder)
        if not node.inputs and node.op not in ("Const", "Placeholder"):
            heapq.heappush(queue, (0, next(order), node.name, ()))

    while queue:
        _, _, name, ctx = heapq.heappop(queue)
        node = nodes[name]
        if (name, ctx) in fired:
            continue
        ins = [lookup(src, ctx) for src, _ in node.inputs]
        if node.op == "Merge":
            live = [(k, v[i]) for k, ((src, i), v) in enumerate(zip(node.inputs, ins))
                    if v is not None and v[i] is not DEAD]
            if not live and not all(v is not None for v in ins):
                continue  # wait for a live input
            fired.add((name, ctx))
            emit(node, ctx, [live[0][1], live[0][0]] if live else [DEAD, DEAD])
            continue
        if any(v is None for v in ins):
            continue  # not ready in this context yet: an input's arrival queues it again
        fired.add((name, ctx))
        x = [v[i] if i < len(v) else DEAD for v, (_, i) in zip(ins, node.inputs)]
        if any(v is DEAD for v in x):
            # dead: passed on, so a Merge can count it; but not out of a loop (Exit) nor into
            # the next iteration: only the last iteration's Exit is live, and the loop ends
            if node.op not in ("Exit", "NextIteration"):
                emit(node, ctx, [DEAD, DEAD])
            continue
        if node.op == "Enter":
            frame = node.attr("frame_name")
            it = _EVERY if node.attr("is_constant") else 0
            emit(node, ctx + ((frame, it),), [x[0]])
        elif node.op == "NextIteration":
            frame, it = ctx[-1]
            emit(node, ctx[:-1] + ((frame, it + 1),), [x[0]])
        elif node.op == "Exit":
            emit(node, ctx[:-1], [x[0]])
        elif node.op == "Switch":  # the predicate is read without blocking the page
            take = bool(np.ravel(await x[1].data())[0])
            emit(node, ctx, [DEAD, x[0]] if take else [x[0], DEAD])
        elif node.op == "LoopCond":
            emit(node, ctx, [x[0]])
        else:
            out = OPS[node.op](x, node, lambda i, node=node, x=x: model._host_value(node, i, x))
            emit(node, ctx, out if isinstance(out, list) else [out])
    result = []
    for name, i in wanted:
        v = values.get((name, ()))
        if v is None or v[i] is DEAD:
            raise ValueError(f"{model.where}: output {name}:{i} was not computed (its branch did not run)")
        # an input or a weight asked for as an output: a copy, so the caller may dispose it
        result.append(v[i].clone() if any(v[i] is t for t in (*feeds.values(), *model.weights.values())) else v[i])
    return result
