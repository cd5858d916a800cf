"""Layout ops (webtensor/ops/layout.py): strided_slice, mirror_pad, depth_to_space,
space_to_batch_nd / batch_to_space_nd, broadcast_args, ensure_shape, meshgrid and the rank
aliases concat1d ... batch_norm4d. Values against NumPy, gradients by finite differences."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, random_ints, to_np, uniform


def make(rng, shape, dtype):
    if dtype == "float32":
        return uniform(rng, shape)
    if dtype == "int32":
        return random_ints(rng, shape)
    return rng.random(shape) > 0.5


# ---- strided_slice ----
# id, input shape, (begin, end, strides) and masks as keywords, the NumPy index it equals
STRIDED = [
    ("basic", (3, 2, 3), ([1, 0, 0], [2, 1, 3], [1, 1, 1]), {}, np.s_[1:2, 0:1, 0:3]),
    ("negative_stride", (3, 2, 3), ([1, -1, 0], [2, -3, 3], [1, -1, 1]), {}, np.s_[1:2, -1:-3:-1, 0:3]),
    ("masks", (4, 5), ([1, 1], [3, 4], [1, 2]), {"begin_mask": 1, "end_mask": 2}, np.s_[:3, 1::2]),
    ("reverse_step2", (7,), ([0], [0], [-2]), {"begin_mask": 1, "end_mask": 1}, np.s_[::-2]),
    ("clamped", (5,), ([-10], [10], None), {}, np.s_[-10:10]),
    ("empty", (5, 2), ([3], [1], None), {}, np.s_[3:1]),
    ("empty_reversed", (5,), ([1], [3], [-1]), {}, np.s_[1:3:-1]),
    ("fewer_entries", (4, 3), ([1], [3], None), {}, np.s_[1:3]),
    ("ellipsis", (2, 3, 4), ([0, 1], [0, 3], [1, 1]), {"ellipsis_mask": 1}, np.s_[..., 1:3]),
    ("ellipsis_mid", (2, 3, 4), ([1, 0, 3], [2, 0, 0], [1, 1, -1]), {"ellipsis_mask": 2},
     np.s_[1:2, ..., 3:0:-1]),
    ("new_axis", (3, 4), ([0, 0, 0], [0, 2, 0], [1, 1, 1]), {"new_axis_mask": 1, "begin_mask": 4, "end_mask": 4},
     np.s_[None, 0:2, :]),
    ("ellipsis_new_axis", (2, 3, 4), ([0, 0, 1], [0, 0, 3], [1, 1, 1]), {"ellipsis_mask": 1, "new_axis_mask": 2},
     np.s_[..., None, 1:3]),
    ("shrink", (3, 4), ([1, 0], [2, 4], [1, 1]), {"shrink_axis_mask": 1}, np.s_[1, 0:4]),
    ("shrink_negative", (3, 4), ([0, -1], [0, 0], [1, 1]), {"shrink_axis_mask": 2, "begin_mask": 1,
                                                            "end_mask": 1}, np.s_[:, -1]),
    ("shrink_all", (3, 4), ([2, 1], [3, 2], [1, 1]), {"shrink_axis_mask": 3}, np.s_[2, 1]),
    ("scalar", (), ([], [], []), {}, np.s_[()]),
]
SIDS = [s[0] for s in STRIDED]


def _strided(x, spec, masks):
    begin, end, strides = spec
    return wt.strided_slice(x, begin, end, strides, **masks)


@pytest.mark.parametrize("name,shape,spec,masks,index", STRIDED, ids=SIDS)
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_strided_slice(backend, name, shape, spec, masks, index, dtype):
    x = make(np.random.default_rng(1), shape, dtype)
    assert_close(_strided(wt.tensor(x), spec, masks), x[index], dtype=dtype)


@pytest.mark.parametrize("name,shape,spec,masks,index",
                         [s for s in STRIDED if s[0] not in ("scalar", "empty", "empty_reversed")],
                         ids=[i for i in SIDS if i not in ("scalar", "empty", "empty_reversed")])
def test_strided_slice_grad(backend, name, shape, spec, masks, index):
    x = uniform(np.random.default_rng(2), shape)
    check_grad(lambda t: _strided(t, spec, masks), lambda a: a[index], [x], backend)


def test_strided_slice_method_and_docs_example(backend):
    t = wt.tensor(np.repeat(np.arange(1, 7, dtype=np.float32), 3).reshape(3, 2, 3))
    assert_close(t.strided_slice([1, 0, 0], [2, 1, 3], [1, 1, 1]), [[[3.0, 3.0, 3.0]]])
    assert_close(t.strided_slice([1, -1, 0], [2, -3, 3], [1, -1, 1]), [[[4.0] * 3, [3.0] * 3]])


@pytest.mark.parametrize("args,kwargs,match", [
    (([0], [1], [0]), {}, "strides\\[0\\] must be non-zero"),
    (([0, 0], [1, 1], None), {"ellipsis_mask": 3}, "only one ellipsis"),
    (([5], [6], None), {"shrink_axis_mask": 1}, "begin\\[0\\] = 5 is out of bounds"),
    (([1], [0], [-1]), {"shrink_axis_mask": 1}, "must be positive on a shrunk axis"),
    (([0, 0, 0], [1, 1, 1], None), {}, "indexes 3 axes"),
    (([0, 0], [1], None), {}, "the same length"),
    (([0.5], [1], None), {}, "list of ints"),
    (([0], [1], None), {"begin_mask": -1}, "non-negative ints"),
])
def test_strided_slice_errors(backend, args, kwargs, match):
    with pytest.raises((ValueError, TypeError), match="strided_slice: .*" + match):
        wt.strided_slice(wt.ones([4, 3]), *args, **kwargs)


# ---- mirror_pad ----
MIRROR = [((3,), [[2, 2]]), ((3,), [[0, 1]]), ((2, 3), [[1, 1], [2, 0]]), ((1, 3), [[0, 0], [1, 2]]),
          ((2, 2, 3), [[1, 0], [0, 1], [2, 2]])]


@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
@pytest.mark.parametrize("shape,paddings", MIRROR, ids=str)
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_mirror_pad(backend, mode, shape, paddings, dtype):
    if mode == "reflect" and any(max(p) > d - 1 for p, d in zip(paddings, shape)):
        pytest.skip("padding too large for reflect")
    x = make(np.random.default_rng(3), shape, dtype)
    assert_close(wt.mirror_pad(wt.tensor(x), paddings, mode), np.pad(x, paddings, mode=mode), dtype=dtype)


@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
def test_mirror_pad_grad(backend, mode):
    x = uniform(np.random.default_rng(4), (3, 4))
    paddings = [[2, 1], [1, 3]]
    check_grad(lambda t: wt.mirror_pad(t, paddings, mode), lambda a: np.pad(a, paddings, mode=mode), [x], backend)
    assert_close(wt.tensor(x).mirror_pad(paddings, mode), np.pad(x, paddings, mode=mode))


@pytest.mark.parametrize("args,match", [
    (([[3, 0], [0, 0]], "reflect"), "must be <= 2"),
    (([[0, 0], [0, 5]], "symmetric"), "must be <= 4"),
    (([[1, 1]], "reflect"), "2 pairs of non-negative ints"),
    (([[-1, 0], [0, 0]], "reflect"), "2 pairs of non-negative ints"),
    (([[0, 0], [0, 0]], "edge"), "mode must be 'reflect' or 'symmetric'"),
])
def test_mirror_pad_errors(backend, args, match):
    with pytest.raises(ValueError, match="mirror_pad: .*" + match):
        wt.mirror_pad(wt.ones([3, 4]), *args)
    with pytest.raises(ValueError, match="scalar"):
        wt.mirror_pad(wt.tensor(1.0), [], "reflect")


# ---- depth_to_space ----
def _depth_to_space(x, bs, data_format):
    """TensorFlow's definition, element by element."""
    if data_format == "NCHW":
        return _depth_to_space(x.transpose(0, 2, 3, 1), bs, "NHWC").transpose(0, 3, 1, 2)
    n, h, w, c = x.shape
    c2 = c // (bs * bs)
    out = np.zeros((n, h * bs, w * bs, c2), x.dtype)
    for b, i, j, k in np.ndindex(out.shape):
        out[b, i, j, k] = x[b, i // bs, j // bs, ((i % bs) * bs + j % bs) * c2 + k]
    return out


@pytest.mark.parametrize("shape,bs,fmt", [((1, 1, 1, 4), 2, "NHWC"), ((2, 2, 3, 8), 2, "NHWC"),
                                          ((1, 1, 2, 9), 3, "NHWC"), ((2, 8, 2, 3), 2, "NCHW"),
                                          ((1, 9, 1, 1), 3, "NCHW")], ids=str)
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_depth_to_space(backend, shape, bs, fmt, dtype):
    x = make(np.random.default_rng(5), shape, dtype)
    assert_close(wt.depth_to_space(wt.tensor(x), bs, fmt), _depth_to_space(x, bs, fmt), dtype=dtype)


def test_depth_to_space_docs_example_method_and_grad(backend):
    x = wt.tensor(np.array([1, 2, 3, 4], np.float32).reshape(1, 1, 1, 4))
    assert_close(x.depth_to_space(2), np.array([1, 2, 3, 4], np.float32).reshape(1, 2, 2, 1))
    a = uniform(np.random.default_rng(6), (1, 2, 2, 4))
    check_grad(lambda t: wt.depth_to_space(t, 2), lambda v: _depth_to_space(v, 2, "NHWC"), [a], backend)


@pytest.mark.parametrize("shape,args,match", [
    ((1, 1, 1, 4), (1,), "block_size must be an int >= 2"),
    ((1, 1, 1, 6), (2,), "must be divisible by block_size"),
    ((1, 1, 4), (2,), "must have rank 4"),
    ((1, 1, 1, 4), (2, "NWHC"), "data_format"),
])
def test_depth_to_space_errors(backend, shape, args, match):
    with pytest.raises(ValueError, match="depth_to_space: .*" + match):
        wt.depth_to_space(wt.ones(shape), *args)


# ---- space_to_batch_nd / batch_to_space_nd ----
def _space_to_batch(x, block, paddings):
    """TensorFlow's definition, element by element: output batch (o_1 ... o_M, b)."""
    m = len(block)
    xp = np.pad(x, [(0, 0)] + [tuple(p) for p in paddings] + [(0, 0)] * (x.ndim - 1 - m))
    grid = [d // b for d, b in zip(xp.shape[1:1 + m], block)]
    out = np.zeros((x.shape[0] * int(np.prod(block)),) + tuple(grid) + x.shape[1 + m:], x.dtype)
    for o, offsets in enumerate(np.ndindex(*block)):
        for b in range(x.shape[0]):
            for cell in np.ndindex(*grid):
                src = tuple(c * k + off for c, k, off in zip(cell, block, offsets))
                out[(o * x.shape[0] + b,) + cell] = xp[(b,) + src]
    return out


BLOCKS = [((1, 2, 2, 1), [2, 2], [[0, 0], [0, 0]]), ((2, 2, 4, 1), [2, 2], [[0, 0], [0, 0]]),
          ((1, 3, 3, 2), [2, 2], [[1, 0], [0, 1]]), ((2, 3, 2), [3], [[1, 2]]),
          ((1, 2, 3, 2), [1, 3], [[0, 0], [0, 0]])]


@pytest.mark.parametrize("shape,block,paddings", BLOCKS, ids=str)
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_space_to_batch_nd_and_back(backend, shape, block, paddings, dtype):
    x = make(np.random.default_rng(7), shape, dtype)
    expected = _space_to_batch(x, block, paddings)
    y = wt.space_to_batch_nd(wt.tensor(x), block, paddings)
    assert_close(y, expected, dtype=dtype)
    assert_close(wt.batch_to_space_nd(y, block, paddings), x, dtype=dtype)


def test_space_to_batch_docs_example_methods_and_grads(backend):
    x = wt.tensor(np.array([1, 2, 3, 4], np.float32).reshape(1, 2, 2, 1))
    assert_close(x.space_to_batch_nd([2, 2], [[0, 0], [0, 0]]), np.array([1, 2, 3, 4], np.float32).reshape(4, 1, 1, 1))
    assert_close(x.space_to_batch_nd([2, 2], [[0, 0], [0, 0]]).batch_to_space_nd([2, 2], [[0, 0], [0, 0]]),
                 to_np(x))
    rng = np.random.default_rng(8)
    block, paddings = [2, 2], [[1, 0], [0, 1]]
    a = uniform(rng, (1, 3, 3, 2))
    check_grad(lambda t: wt.space_to_batch_nd(t, block, paddings), lambda v: _space_to_batch(v, block, paddings),
               [a], backend)
    # batch_to_space_nd crops: the gradient of a crop is a zero padding
    b = uniform(rng, (4, 2, 2, 2))
    crops = [[1, 0], [0, 1]]

    def ref(v):
        full = np.zeros((1, 4, 4, 2))
        for o, (i, j) in enumerate(np.ndindex(2, 2)):
            full[0, i::2, j::2] = v[o]
        return full[:, 1:, :3]
    check_grad(lambda t: wt.batch_to_space_nd(t, block, crops), ref, [b], backend)


@pytest.mark.parametrize("fn,shape,args,match", [
    ("space_to_batch_nd", (1, 3, 3, 1), ([2, 2], [[0, 0], [0, 0]]), "must be divisible by block_shape"),
    ("space_to_batch_nd", (1, 4, 4, 1), ([2, 0], [[0, 0], [0, 0]]), "block_shape values must be >= 1"),
    ("space_to_batch_nd", (1, 4, 4, 1), ([2, 2], [[0, 0]]), "2 pairs of non-negative ints"),
    ("space_to_batch_nd", (4, 4), ([2, 2], [[0, 0], [0, 0]]), "must have rank >= 3"),
    ("batch_to_space_nd", (3, 2, 2, 1), ([2, 2], [[0, 0], [0, 0]]), "must be divisible by the product"),
    ("batch_to_space_nd", (4, 2, 2, 1), ([2, 2], [[3, 2], [0, 0]]), "crops .* exceed"),
    ("batch_to_space_nd", (4, 2, 2, 1), ([2, 2], [[-1, 0], [0, 0]]), "2 pairs of non-negative ints"),
])
def test_block_errors(backend, fn, shape, args, match):
    with pytest.raises(ValueError, match=f"{fn}: .*{match}"):
        getattr(wt, fn)(wt.ones(shape), *args)


# ---- broadcast_args, ensure_shape, meshgrid ----
@pytest.mark.parametrize("s0,s1", [([1, 3], [2, 1]), ([5], [2, 3, 1]), ([], [3]), ([4, 0], [1]), ([2, 2], [2, 2])],
                         ids=str)
def test_broadcast_args(backend, s0, s1):
    expected = np.array(np.broadcast_shapes(tuple(s0), tuple(s1)), np.int32)
    assert_close(wt.broadcast_args(wt.tensor(np.array(s0, np.int32)), s1), expected, dtype="int32")


def test_broadcast_args_errors(backend):
    with pytest.raises(ValueError, match="broadcast_args: operands could not be broadcast"):
        wt.broadcast_args([2, 3], [4, 3])
    with pytest.raises(ValueError, match="broadcast_args: argument 's0' must be an int32 1-D"):
        wt.broadcast_args(wt.tensor([2.0, 3.0]), [1])
    with pytest.raises(ValueError, match="argument 's1' must be an int32 1-D"):
        wt.broadcast_args([2], wt.tensor(np.array([[1]], np.int32)))


def test_ensure_shape(backend):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    assert_close(wt.ensure_shape(wt.tensor(x), [2, 3]), x)
    assert_close(wt.ensure_shape(wt.tensor(x), [None, 3]), x)
    assert_close(wt.ensure_shape(wt.tensor(x.astype(np.int32)), (2, None)), x.astype(np.int32), dtype="int32")
    g = wt.grad(lambda t: wt.sum(wt.mul(wt.ensure_shape(t, [None, None]), 3.0)))(wt.tensor(x))
    assert_close(g, np.full((2, 3), 3.0))
    for bad in ([3, 2], [2], [2, 3, 1], [None, 4]):
        with pytest.raises(ValueError, match="ensure_shape: the shape \\(2, 3\\) of x is not compatible"):
            wt.ensure_shape(wt.tensor(x), bad)


@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_meshgrid(backend, indexing, dtype):
    rng = np.random.default_rng(9)
    x, y = make(rng, (3,), dtype), make(rng, (2, 2), dtype)  # y is flattened, as in tfjs
    got = wt.meshgrid(wt.tensor(x), wt.tensor(y), indexing=indexing)
    expected = np.meshgrid(x, y.reshape(-1), indexing=indexing)
    assert isinstance(got, list) and len(got) == 2
    for g, e in zip(got, expected):
        assert_close(g, e, dtype=dtype)
    if dtype == "float32":
        check_grad(lambda a, b: wt.meshgrid(a, b, indexing),
                   lambda a, b: np.meshgrid(a, b.reshape(-1), indexing=indexing), [x, y], backend)


def test_meshgrid_fewer_arguments_and_errors(backend):
    assert wt.meshgrid() == []
    (only,) = wt.meshgrid([[1.0, 2.0]])  # returned as it is, as in tfjs
    assert_close(only, [[1.0, 2.0]])
    with pytest.raises(ValueError, match="meshgrid: indexing must be 'xy' or 'ij'"):
        wt.meshgrid([1.0], [2.0], "yx")


# ---- rank aliases ----
@pytest.mark.parametrize("rank", [1, 2, 3, 4])
def test_rank_aliases(backend, rank):
    rng = np.random.default_rng(10 + rank)
    shape = (2, 3, 2, 3)[:rank]
    a, b = uniform(rng, shape), uniform(rng, shape)
    axis = rank - 1
    assert_close(getattr(wt, f"concat{rank}d")([wt.tensor(a), wt.tensor(b)], axis), np.concatenate([a, b], axis))
    begin, size = [1] + [0] * (rank - 1), [1] + [-1] * (rank - 1)
    assert_close(getattr(wt, f"slice{rank}d")(wt.tensor(a), begin, size), a[1:2])
    assert_close(getattr(wt, f"reverse{rank}d")(wt.tensor(a)), np.flip(a))
    wrong = wt.ones((1,) * (rank + 1))
    for name, args in (("concat", ([wt.tensor(a), wrong],)), ("slice", (wrong, [0], [1])), ("reverse", (wrong,))):
        with pytest.raises(ValueError, match=f"{name}{rank}d: argument '\\w+(\\[1\\])?' must have rank {rank}"):
            getattr(wt, f"{name}{rank}d")(*args)
    check_grad(lambda t: getattr(wt, f"slice{rank}d")(t, begin, size), lambda v: v[1:2], [a], backend)


@pytest.mark.parametrize("rank", [2, 3, 4])
def test_batch_norm_aliases(backend, rank):
    rng = np.random.default_rng(20 + rank)
    shape = (2, 3, 2, 3)[:rank]
    x = uniform(rng, shape)
    mean, var = uniform(rng, shape[-1:]), uniform(rng, shape[-1:], 0.5, 2.0)
    offset, scale = uniform(rng, shape), uniform(rng, shape[-1:])  # per element or per channel
    expected = (x - mean) / np.sqrt(var + 0.001) * scale + offset
    fn = getattr(wt, f"batch_norm{rank}d")
    assert_close(fn(wt.tensor(x), wt.tensor(mean), wt.tensor(var), wt.tensor(offset), wt.tensor(scale)), expected,
                 rtol=1e-4, atol=1e-4)
    assert_close(fn(x, mean, var, variance_epsilon=0.1), (x - mean) / np.sqrt(var + 0.1), rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match=f"batch_norm{rank}d: argument 'x' must have rank {rank}"):
        fn(wt.ones((2,) * (rank + 1)), mean, var)
    with pytest.raises(ValueError, match=f"batch_norm{rank}d: argument 'variance' must have rank 1 or {rank}"):
        fn(x, mean, wt.ones((1,) * (rank + 1)))


# ---- no leaks ----
@pytest.mark.leakcheck
def test_no_leaks(backend):
    x = np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4)

    def run_all():
        t = wt.tensor(x)
        outs = [wt.strided_slice(t, [0, 1], [1, 2], None, 0, 0, 0, 0, 1),
                wt.mirror_pad(t, [[0, 0], [1, 1], [2, 2], [0, 3]], "symmetric"),
                wt.depth_to_space(t, 2),
                wt.batch_to_space_nd(wt.space_to_batch_nd(t, [2, 1], [[0, 0], [0, 1]]), [2, 1], [[0, 0], [0, 1]]),
                wt.broadcast_args([1, 3], [2, 1]), wt.ensure_shape(t, [1, None, 3, 4]),
                wt.concat4d([t, t], 3), wt.slice4d(t, [0, 0, 0, 0], [1, 1, 1, 1]), wt.reverse4d(t),
                wt.batch_norm4d(t, [0.0] * 4, [1.0] * 4)] + wt.meshgrid([1.0, 2.0], [3.0])
        def padded(v):
            return wt.mirror_pad(wt.strided_slice(v, [0, 1], [1, 2]), [[0, 0], [0, 0], [1, 1], [2, 2]], "reflect")
        g = wt.grad(lambda v: wt.sum(padded(v)))(t)
        return [to_np(o) for o in outs + [g]]
    wt.tidy(run_all)
    for call in (lambda: wt.strided_slice([[1.0, 2.0]], [0], [1], [0]),
                 lambda: wt.mirror_pad([[1.0, 2.0]], [[0, 0], [0, 2]], "reflect"),
                 lambda: wt.depth_to_space([[[[1.0, 2.0]]]], 2),
                 lambda: wt.space_to_batch_nd([[[1.0]], [[2.0]]], [2], [[0, 0]]),
                 lambda: wt.broadcast_args([1, 2], [3]),
                 lambda: wt.slice2d([1.0], [0], [1])):
        with pytest.raises(ValueError):
            call()


# ---- pad1d ... pad4d; the aliases' parameters are their base op's (tfjs's) ----
@pytest.mark.parametrize("rank", [1, 2, 3, 4])
def test_pad_aliases(backend, rank):
    rng = np.random.default_rng(30 + rank)
    x = uniform(rng, (2, 3, 1, 2)[:rank])
    paddings = [[1, 0], [0, 2], [1, 1], [0, 1]][:rank]
    fn = getattr(wt, f"pad{rank}d")
    assert_close(fn(wt.tensor(x), paddings), np.pad(x, paddings))
    assert_close(fn(x, paddings, constant_value=2.5), np.pad(x, paddings, constant_values=2.5))
    ints = random_ints(rng, x.shape)
    assert_close(fn(x=wt.tensor(ints), paddings=paddings, constant_value=-1),
                 np.pad(ints, paddings, constant_values=-1), dtype="int32")
    check_grad(lambda t: fn(t, paddings), lambda v: np.pad(v, paddings), [x], backend)
    with pytest.raises(ValueError, match=f"pad{rank}d: argument 'x' must have rank {rank}, got rank {rank + 1}"):
        fn(wt.ones((1,) * (rank + 1)), paddings)


def test_pad1d_takes_one_pair_and_aliases_show_their_parameters(backend):
    import inspect
    x = np.float32([1.0, 2.0])
    assert_close(wt.pad1d(wt.tensor(x), [2, 1]), np.pad(x, [(2, 1)]))  # tfjs's pad1d: [before, after]
    assert_close(wt.pad1d(wt.tensor(x), (0, 1), 9.0), np.pad(x, [(0, 1)], constant_values=9.0))
    for base, ranks in (("pad", (1, 2, 3, 4)), ("concat", (1, 2, 3, 4)), ("slice", (1, 2, 3, 4)),
                        ("reverse", (1, 2, 3, 4)), ("batch_norm", (2, 3, 4))):
        for rank in ranks:
            assert inspect.signature(getattr(wt, f"{base}{rank}d")) == inspect.signature(getattr(wt, base))
