"""TensorFlow ops as webtensor ops: one row per op (tfjs-converter's op_list tables).

A row is fn(x, node, host): x the input tensors, node the Node (its decoded attributes),
host(i) input i's values as a NumPy array, for inputs that are parameters (shapes, axes,
paddings...) rather than data: constants and static shapes are known without a read-back;
others are read, as tfjs-converter reads them. A row returns a tensor or a list of outputs."""
import numpy as np

from .. import ops
from ..memory import tidy

_UNARY = {
    "Abs": "abs", "Acos": "acos", "Acosh": "acosh", "Asin": "asin", "Asinh": "asinh", "Atan": "atan",
    "Atanh": "atanh", "Ceil": "ceil", "Cos": "cos", "Cosh": "cosh", "Elu": "elu", "Erf": "erf",
    "Exp": "exp", "Expm1": "expm1", "Floor": "floor", "IsNan": "is_nan", "Log": "log", "Log1p": "log1p",
    "LogicalNot": "logical_not", "Neg": "neg", "Reciprocal": "reciprocal", "Relu": "relu",
    "Relu6": "relu6", "Round": "round", "Rsqrt": "rsqrt", "Selu": "selu", "Sigmoid": "sigmoid",
    "Sign": "sign", "Sin": "sin", "Sinh": "sinh", "Softplus": "softplus", "Softsign": "softsign",
    "Sqrt": "sqrt", "Square": "square", "Tan": "tan", "Tanh": "tanh", "ZerosLike": "zeros_like",
    "OnesLike": "ones_like", "Softmax": "softmax", "LogSoftmax": "log_softmax",
}
_BINARY = {
    "Add": "add", "AddV2": "add", "BiasAdd": "add", "Sub": "sub", "Mul": "mul", "RealDiv": "div",
    "Div": "div", "DivNoNan": "div_no_nan", "FloorDiv": "floor_div", "FloorMod": "mod", "Mod": "mod",
    "Maximum": "maximum", "Minimum": "minimum", "Pow": "pow", "SquaredDifference": "squared_difference",
    "Atan2": "atan2", "Equal": "equal", "NotEqual": "not_equal", "Greater": "greater",
    "GreaterEqual": "greater_equal", "Less": "less", "LessEqual": "less_equal",
    "LogicalAnd": "logical_and", "LogicalOr": "logical_or", "Prelu": "prelu",
}
_REDUCE = {"Sum": "sum", "Mean": "mean", "Max": "max", "Min": "min", "Prod": "prod", "All": "all",
           "Any": "any"}
_ACTIVATIONS = {"Relu": "relu", "Relu6": "relu6", "Elu": "elu", "Selu": "selu", "Prelu": "prelu",
                "LeakyRelu": "leakyrelu", "Sigmoid": "sigmoid"}
_RESIZE = {"ResizeBilinear": "resize_bilinear", "ResizeNearestNeighbor": "resize_nearest_neighbor"}


def _ints(values):
    return [int(v) for v in np.ravel(values)]


def _hw(node, key):
    """(h, w) from an NHWC attribute list [1, h, w, 1] (or NCHW)."""
    v = node.attr(key) or [1, 1, 1, 1]
    return (v[2], v[3]) if node.attr("data_format") == "NCHW" else (v[1], v[2])


def _pad(node):
    padding = (node.attr("padding") or "VALID").upper()
    if padding == "EXPLICIT":
        p = node.attr("explicit_paddings")
        return [p[0:2], p[2:4], p[4:6], p[6:8]]
    return padding.lower()


def _conv_args(node):
    return dict(strides=_hw(node, "strides"), pad=_pad(node), data_format=node.attr("data_format") or "NHWC",
                dilations=_hw(node, "dilations"))


def _fused(node, x):
    """bias, activation and its extra argument of a _Fused* node, as wt.fused takes them."""
    names = node.attr("fused_ops") or []
    extra = x[2:]
    if "FusedBatchNorm" in names or any(n not in ("BiasAdd", *_ACTIVATIONS) for n in names):
        raise ValueError(f"{node.op} {node.name!r}: fused ops {names} are not supported")
    bias = extra.pop(0) if "BiasAdd" in names else None
    act = next((_ACTIVATIONS[n] for n in names if n in _ACTIVATIONS), "linear")
    prelu = extra.pop(0) if act == "prelu" and extra else None
    return dict(bias=bias, activation=act, prelu_activation_weights=prelu,
                leakyrelu_alpha=node.attr("leakyrelu_alpha", 0.2))


def _split_sizes(sizes, total):
    sizes = _ints(sizes)
    if -1 in sizes:
        sizes[sizes.index(-1)] = total - (sum(sizes) + 1)
    return sizes


def _nms(version):
    """NonMaxSuppressionV2-V5: the boxes are read back and selected on the host, as tfjs does."""
    def run(x, node, host):
        boxes, scores = x[0], x[1]
        n, iou = int(host(2)), float(host(3)) if len(x) > 3 else 0.5
        score = float(host(4)) if len(x) > 4 else float("-inf")
        if version == 5:
            r = ops.non_max_suppression_with_score(boxes, scores, n, iou, score, float(host(5)))
            return [r.selected_indices, r.selected_scores,
                    ops.scalar(int(r.selected_indices.shape[0]), "int32")]
        if version == 4:
            r = ops.non_max_suppression_padded(boxes, scores, n, iou, score,
                                               bool(node.attr("pad_to_max_output_size")))
            return [r.selected_indices, r.valid_outputs]
        return ops.non_max_suppression(boxes, scores, n, iou, score)
    return run


OPS = {
    **{tf: (lambda f: lambda x, node, host: getattr(ops, f)(x[0]))(name) for tf, name in _UNARY.items()},
    **{tf: (lambda f: lambda x, node, host: getattr(ops, f)(x[0], x[1]))(name) for tf, name in _BINARY.items()},
    **{tf: (lambda f: lambda x, node, host: getattr(ops, f)(x[0], _ints(host(1)),
                                                            keep_dims=bool(node.attr("keep_dims"))))(name)
       for tf, name in _REDUCE.items()},
    **{tf: (lambda f: lambda x, node, host: getattr(ops, f)(
        x[0], _ints(host(1)), align_corners=bool(node.attr("align_corners")),
        half_pixel_centers=bool(node.attr("half_pixel_centers"))))(name) for tf, name in _RESIZE.items()},
    "Identity": lambda x, node, host: x[0],
    "StopGradient": lambda x, node, host: x[0],
    "Snapshot": lambda x, node, host: x[0],
    "IdentityN": lambda x, node, host: list(x),
    "NoOp": lambda x, node, host: [],
    "LeakyRelu": lambda x, node, host: ops.leaky_relu(x[0], node.attr("alpha", 0.2)),
    "AddN": lambda x, node, host: ops.add_n(list(x)),
    "Cast": lambda x, node, host: ops.cast(x[0], node.attr("DstT")),
    "Select": lambda x, node, host: ops.where(x[0], x[1], x[2]),
    "SelectV2": lambda x, node, host: ops.where(x[0], x[1], x[2]),
    "ClipByValue": lambda x, node, host: ops.clip_by_value(x[0], float(host(1)), float(host(2))),
    # matrices and convolutions
    "MatMul": lambda x, node, host: ops.matmul(x[0], x[1], bool(node.attr("transpose_a")),
                                               bool(node.attr("transpose_b"))),
    "BatchMatMul": lambda x, node, host: ops.matmul(x[0], x[1], bool(node.attr("adj_x")), bool(node.attr("adj_y"))),
    "BatchMatMulV2": lambda x, node, host: ops.matmul(x[0], x[1], bool(node.attr("adj_x")), bool(node.attr("adj_y"))),
    "_FusedMatMul": lambda x, node, host: ops.fused.mat_mul(x[0], x[1], bool(node.attr("transpose_a")),
                                                            bool(node.attr("transpose_b")), **_fused(node, x)),
    "Conv2D": lambda x, node, host: ops.conv2d(x[0], x[1], **_conv_args(node)),
    "_FusedConv2D": lambda x, node, host: ops.fused.conv2d(x[0], x[1], **_conv_args(node), **_fused(node, x)),
    "DepthwiseConv2d": lambda x, node, host: ops.depthwise_conv2d(x[0], x[1], **_conv_args(node)),
    "DepthwiseConv2dNative": lambda x, node, host: ops.depthwise_conv2d(x[0], x[1], **_conv_args(node)),
    "FusedDepthwiseConv2dNative": lambda x, node, host: ops.fused.depthwise_conv2d(
        x[0], x[1], **_conv_args(node), **_fused(node, x)),
    "Conv2DBackpropInput": lambda x, node, host: ops.conv2d_transpose(
        x[2], x[1], _ints(host(0)), _hw(node, "strides"), _pad(node)),
    "MaxPool": lambda x, node, host: ops.max_pool(x[0], _hw(node, "ksize"), _hw(node, "strides"), _pad(node)),
    "AvgPool": lambda x, node, host: ops.avg_pool(x[0], _hw(node, "ksize"), _hw(node, "strides"), _pad(node)),
    "FusedBatchNorm": lambda x, node, host: [ops.batch_norm(x[0], x[3], x[4], x[2], x[1], node.attr("epsilon", 1e-3))],
    "FusedBatchNormV2": lambda x, node, host: [ops.batch_norm(x[0], x[3], x[4], x[2], x[1], node.attr("epsilon", 1e-3))],
    "FusedBatchNormV3": lambda x, node, host: [ops.batch_norm(x[0], x[3], x[4], x[2], x[1], node.attr("epsilon", 1e-3))],
    # reductions and searches
    "ArgMax": lambda x, node, host: ops.argmax(x[0], int(host(1))),
    "ArgMin": lambda x, node, host: ops.argmin(x[0], int(host(1))),
    "TopKV2": lambda x, node, host: list(ops.top_k(x[0], int(host(1)), bool(node.attr("sorted", True)))),
    "NonMaxSuppressionV2": _nms(3),
    "NonMaxSuppressionV3": _nms(3),
    "NonMaxSuppressionV4": _nms(4),
    "NonMaxSuppressionV5": _nms(5),
    # shapes and movement
    "Reshape": lambda x, node, host: ops.reshape(x[0], _ints(host(1))),
    "Squeeze": lambda x, node, host: ops.squeeze(x[0], node.attr("squeeze_dims") or None),
    "ExpandDims": lambda x, node, host: ops.expand_dims(x[0], int(host(1))),
    "Transpose": lambda x, node, host: ops.transpose(x[0], _ints(host(1))),
    "ConcatV2": lambda x, node, host: ops.concat(list(x[:-1]), int(host(len(x) - 1))),
    "Concat": lambda x, node, host: ops.concat(list(x[1:]), int(host(0))),
    "Pack": lambda x, node, host: ops.stack(list(x), node.attr("axis", 0)),
    "Unpack": lambda x, node, host: ops.unstack(x[0], node.attr("axis", 0)),
    "Split": lambda x, node, host: ops.split(x[1], node.attr("num_split"), int(host(0))),
    "SplitV": lambda x, node, host: ops.split(x[0], _split_sizes(host(1), x[0].shape[int(host(2))]), int(host(2))),
    "Slice": lambda x, node, host: ops.slice(x[0], _ints(host(1)), _ints(host(2))),
    "StridedSlice": lambda x, node, host: ops.strided_slice(
        x[0], _ints(host(1)), _ints(host(2)), _ints(host(3)), node.attr("begin_mask", 0), node.attr("end_mask", 0),
        node.attr("ellipsis_mask", 0), node.attr("new_axis_mask", 0), node.attr("shrink_axis_mask", 0)),
    "Pad": lambda x, node, host: ops.pad(x[0], host(1).tolist()),
    "PadV2": lambda x, node, host: ops.pad(x[0], host(1).tolist(), float(host(2))),
    "MirrorPad": lambda x, node, host: ops.mirror_pad(x[0], host(1).tolist(), node.attr("mode", "REFLECT").lower()),
    "Tile": lambda x, node, host: ops.tile(x[0], _ints(host(1))),
    "Fill": lambda x, node, host: ops.fill(_ints(host(0)), host(1).item(), x[1].dtype),
    "Range": lambda x, node, host: ops.range(host(0).item(), host(1).item(), host(2).item(),
                                             node.attr("Tidx", "int32")),
    "GatherV2": lambda x, node, host: ops.gather(x[0], x[1], int(host(2)), node.attr("batch_dims", 0)),
    "Gather": lambda x, node, host: ops.gather(x[0], x[1]),
    "GatherNd": lambda x, node, host: ops.gather_nd(x[0], x[1]),
    "OneHot": lambda x, node, host: ops.one_hot(x[0], int(host(1)), float(host(2)), float(host(3))),
    "Shape": lambda x, node, host: ops.tensor(np.array(x[0].shape, np.int32), dtype="int32"),
    "Size": lambda x, node, host: ops.scalar(int(x[0].size), "int32"),
    "Rank": lambda x, node, host: ops.scalar(int(x[0].rank), "int32"),
    "BroadcastTo": lambda x, node, host: ops.broadcast_to(x[0], _ints(host(1))),
    "DepthToSpace": lambda x, node, host: ops.depth_to_space(x[0], node.attr("block_size"),
                                                             node.attr("data_format", "NHWC")),
    "Cumsum": lambda x, node, host: ops.cumsum(x[0], int(host(1)), bool(node.attr("exclusive")),
                                               bool(node.attr("reverse"))),
    # the output's size depends on the values: read back, as tfjs's kernel does
    "Where": lambda x, node, host: ops.tensor(np.argwhere(host(0)).astype(np.int32), dtype="int32"),
}

# the webtensor op each row calls by name: a model is refused at load if one is missing
NEEDS = {**_UNARY, **_BINARY, **_REDUCE, **_RESIZE, "NonMaxSuppressionV2": "non_max_suppression",
         "NonMaxSuppressionV3": "non_max_suppression", "NonMaxSuppressionV4": "non_max_suppression_padded",
         "NonMaxSuppressionV5": "non_max_suppression_with_score"}


def supported(op):
    return op in OPS and hasattr(ops, NEEDS.get(op, "tensor"))


# ---------------------------------------------------------------- tensor lists
class TensorList:
    """TensorFlow's TensorList (what tf.map_fn and while loops write into): a Python list of
    tensors; SetItem makes a new list, as the op is functional."""

    def __init__(self, items, element_shape, dtype):
        self.items, self.element_shape, self.dtype = list(items), element_shape, dtype

    def stack(self, shape):
        shape = [int(d) for d in shape] if shape is not None else self.element_shape
        if not self.items:
            return ops.zeros([0] + [max(int(d), 0) for d in (shape or [])], self.dtype)
        known = next((t.shape for t in self.items if t is not None), None)
        fill = list(known) if known is not None else [max(int(d), 0) for d in shape]
        # unset items are zeros, made inside the tidy so that only the stack outlives it
        return tidy(lambda: ops.stack([t if t is not None else ops.zeros(fill, self.dtype) for t in self.items]))


def _element_shape(values):
    shape = [int(d) for d in np.ravel(values)]
    return None if shape == [-1] else shape


LIST_OPS = {
    "TensorListReserve": lambda x, node, host: TensorList([None] * int(host(1)), _element_shape(host(0)),
                                                          node.attr("element_dtype", "float32")),
    "TensorListFromTensor": lambda x, node, host: TensorList(ops.unstack(x[0]) if x[0].shape[0] else [],
                                                             list(x[0].shape[1:]), x[0].dtype),
    "TensorListGetItem": lambda x, node, host: x[0].items[int(host(1))],
    "TensorListSetItem": lambda x, node, host: TensorList(
        x[0].items[:int(host(1))] + [x[2]] + x[0].items[int(host(1)) + 1:], x[0].element_shape, x[0].dtype),
    "TensorListStack": lambda x, node, host: x[0].stack(_element_shape(host(1))),
    "TensorListLength": lambda x, node, host: ops.scalar(len(x[0].items), "int32"),
}
OPS.update(LIST_OPS)
