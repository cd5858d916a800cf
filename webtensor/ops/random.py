"""Random tensors beyond creation.py's random_normal, truncated_normal and random_uniform:
values of a user's function, gamma, standard normal and integer uniform values, and multinomial
samples. As in creation.py, values come from NumPy's generator on the host, seeded when asked."""
import numpy as np

from ..dtypes import check_dtype
from .core import as_tensor, from_values, op, shape_size
from .creation import _rng, _shape, random_normal, random_uniform
from .elementwise import cast, greater_equal
from .nn import softmax
from .reduction import cumsum, sum as _sum
from .shape import expand_dims, reshape, slice


def _number(value, arg, op_name, integer=False):
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if not isinstance(value, kinds) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op_name}: argument '{arg}' must be {'an int' if integer else 'a number'}, "
                        f"got {value!r}")
    return value


def rand(shape, rand_function, dtype=None):
    """A tensor whose values are rand_function() called once per element, as tfjs's tf.rand."""
    shape = _shape(shape, "rand")
    dtype = check_dtype(dtype, "rand") or "float32"
    if not callable(rand_function):
        raise TypeError(f"rand: argument 'rand_function' must be a function of no arguments, "
                        f"got {type(rand_function).__name__}")
    values = [rand_function() for _ in range(shape_size(shape))]
    try:
        values = np.array(values, np.float64)
    except (TypeError, ValueError):
        raise TypeError("rand: rand_function must return numbers, got "
                        f"{type(next(v for v in values if not isinstance(v, (int, float))))}") from None
    return from_values(values.reshape(shape), dtype)


def _gamma(rng, alpha, size):
    """Gamma(alpha, 1) samples by Marsaglia and Tsang's method (2000), as tfjs's RandGamma:
    for alpha < 1, Gamma(alpha + 1) scaled by U ** (1 / alpha). Rejected draws are redrawn."""
    d = alpha + 2 / 3 if alpha < 1 else alpha - 1 / 3
    c = 1 / np.sqrt(9 * d)
    out, todo = np.empty(size), np.arange(size)
    while todo.size:
        x = rng.standard_normal(todo.size)
        v = (1 + c * x) ** 3
        u = rng.uniform(size=todo.size)
        with np.errstate(divide="ignore", invalid="ignore"):  # v <= 0 and u == 0: see below
            accept = (u < 1 - 0.331 * x ** 4) | (np.log(u) < 0.5 * x * x + d * (1 - v + np.log(v)))
        accept &= v > 0  # tfjs redraws x until v > 0
        out[todo[accept]] = d * v[accept]
        todo = todo[~accept]
    if alpha < 1:
        out *= rng.uniform(size=size) ** (1 / alpha)
    return out


def random_gamma(shape, alpha, beta=1, dtype="float32", seed=None):
    """Gamma-distributed values of shape parameter alpha and rate beta (mean alpha / beta)."""
    shape = _shape(shape, "random_gamma")
    for arg, value in (("alpha", alpha), ("beta", beta)):
        if _number(value, arg, "random_gamma") <= 0:
            raise ValueError(f"random_gamma: argument '{arg}' must be > 0, got {value}")
    dtype = check_dtype(dtype, "random_gamma") or "float32"
    if dtype == "bool":
        raise TypeError("random_gamma: unsupported dtype 'bool'; expected 'float32' or 'int32'")
    values = _gamma(_rng(seed), float(alpha), shape_size(shape)).reshape(shape) / beta
    return from_values(np.round(values) if dtype == "int32" else values, dtype)


def random_standard_normal(shape, dtype="float32", seed=None):
    """Normal values of mean 0 and standard deviation 1."""
    shape = _shape(shape, "random_standard_normal")
    if check_dtype(dtype, "random_standard_normal") == "bool":
        raise TypeError("random_standard_normal: unsupported dtype 'bool'; expected 'float32' or 'int32'")
    return random_normal(shape, 0.0, 1.0, dtype or "float32", seed)


def random_uniform_int(shape, minval, maxval, seed=None):
    """int32 values drawn uniformly from [minval, maxval)."""
    shape = _shape(shape, "random_uniform_int")
    _number(minval, "minval", "random_uniform_int", integer=True)
    _number(maxval, "maxval", "random_uniform_int", integer=True)
    if minval >= maxval:
        raise ValueError(f"random_uniform_int: minval ({minval}) must be < maxval ({maxval})")
    return random_uniform(shape, int(minval), int(maxval), "int32", seed)


@op
def multinomial(logits, num_samples, seed=None, normalized=False):
    """num_samples class indices drawn from each row of logits (1-D or 2-D; probabilities when
    normalized=True): int32 of shape [batch, num_samples], or [num_samples] for 1-D logits."""
    x = as_tensor(logits, "logits", "multinomial")
    if x.rank not in (1, 2):
        raise ValueError(f"multinomial: argument 'logits' must be 1-D or 2-D, got shape {x.shape}")
    if x.size < 2:
        raise ValueError(f"multinomial: logits need at least 2 outcomes, got shape {x.shape}")
    if _number(num_samples, "num_samples", "multinomial", integer=True) < 0:
        raise ValueError(f"multinomial: argument 'num_samples' must be >= 0, got {num_samples}")
    x2 = reshape(x, [1, -1]) if x.rank == 1 else x
    probs = (cast(x2, "float32") if x2.dtype != "float32" else x2) if normalized else softmax(x2)
    batch, n = x2.shape
    # A sample is the first event whose cumulative probability exceeds a uniform draw r, that
    # is the number of cumulative probabilities <= r; the last event is implicit, as in tfjs.
    cdf = slice(cumsum(probs, 1), [0, 0], [batch, n - 1])
    r = random_uniform([batch, int(num_samples)], seed=seed)
    out = _sum(greater_equal(expand_dims(r, 2), expand_dims(cdf, 1)), 2)
    return reshape(out, [int(num_samples)]) if x.rank == 1 else out
