"""tfjs's recurrent-cell ops: basic_lstm_cell, multi_rnn_cell (a stack of cells, each feeding its
h to the next) and moving_average (an exponential moving average, optionally zero-debiased)."""
from .core import as_tensor, op
from .elementwise import add, div, mul, pow as _pow, sigmoid, sub, tanh
from .linalg import matmul
from .shape import concat, split


@op
def basic_lstm_cell(forget_bias, lstm_kernel, lstm_bias, data, c, h):
    """One LSTM step: [new_c, new_h]. The kernel's 4 * units columns hold the input gate, the
    new input, the forget gate and the output gate, in that order."""
    name = "basic_lstm_cell"
    args = dict(forget_bias=forget_bias, lstm_kernel=lstm_kernel, lstm_bias=lstm_bias, data=data, c=c, h=h)
    forget_bias, kernel, bias, data, c, h = (as_tensor(v, k, name) for k, v in args.items())
    if data.rank != 2 or h.rank != 2 or c.shape != h.shape or h.shape[0] != data.shape[0]:
        raise ValueError(f"{name}: 'data' must be 2-D [batch, input] and 'c' and 'h' [batch, units], "
                         f"got data {data.shape}, c {c.shape}, h {h.shape}")
    units = h.shape[1]
    if kernel.shape != (data.shape[1] + units, 4 * units):
        raise ValueError(f"{name}: argument 'lstm_kernel' must have shape [input + units, 4 * units] "
                         f"= {[data.shape[1] + units, 4 * units]}, got {list(kernel.shape)}")
    if bias.shape != (4 * units,):
        raise ValueError(f"{name}: argument 'lstm_bias' must have shape [{4 * units}], got {list(bias.shape)}")
    if forget_bias.size != 1:
        raise ValueError(f"{name}: argument 'forget_bias' must be a scalar, got shape {forget_bias.shape}")
    i, j, f, o = split(add(matmul(concat([data, h], 1), kernel), bias), 4, 1)
    new_c = add(mul(sigmoid(i), tanh(j)), mul(c, sigmoid(add(forget_bias, f))))
    return [new_c, mul(tanh(new_c), sigmoid(o))]


@op
def multi_rnn_cell(lstm_cells, data, c, h):
    """Run the cells in turn, each on the previous one's h (the first on data), with its own
    c[i] and h[i]: [new_c list, new_h list]."""
    if not (len(lstm_cells) == len(c) == len(h)):
        raise ValueError(f"multi_rnn_cell: got {len(lstm_cells)} cells but {len(c)} c and {len(h)} h states; "
                         "each cell needs one of each")
    x = as_tensor(data, "data", "multi_rnn_cell")
    new_c, new_h = [], []
    for cell, ci, hi in zip(lstm_cells, c, h):
        ci, x = cell(x, as_tensor(ci, "c", "multi_rnn_cell"), as_tensor(hi, "h", "multi_rnn_cell"))
        new_c.append(ci)
        new_h.append(x)
    return [new_c, new_h]


@op
def moving_average(v, x, decay, step=None, zero_debias=True):
    """v + (x - v) * (1 - decay), the update divided by 1 - decay ** step when zero_debias."""
    v, x = as_tensor(v, "v", "moving_average"), as_tensor(x, "x", "moving_average")
    if v.dtype != x.dtype or v.shape != x.shape:
        raise ValueError(f"moving_average: arguments 'v' and 'x' must have the same shape and dtype, "
                         f"got {v.shape} {v.dtype} and {x.shape} {x.dtype}")
    decay = as_tensor(decay, "decay", "moving_average", "float32")
    update = mul(sub(x, v), sub(1.0, decay))
    if zero_debias:
        if step is None:
            raise ValueError("moving_average: argument 'step' is required when zero_debias is True")
        update = div(update, sub(1.0, _pow(decay, as_tensor(step, "step", "moving_average", "float32"))))
    return add(v, update)
