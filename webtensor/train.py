"""Optimizers (tfjs 4.x update rules). minimize() = variable_grads() + apply_gradients();
each update runs inside tidy and writes variables with assign(), so a training loop holds a
constant number of tensors: the variables and each optimizer's slot variables."""
from .autograd import variable_grads
from .engine import ENGINE
from .memory import dispose, tidy
from .ops import elementwise as E
from .ops.core import number
from .ops.creation import fill
from .tensor import Tensor
from .variable import Variable

EPSILON = 1e-7


class Optimizer:
    slots = ()  # names of per-variable state, created lazily with slot_init

    def __init__(self, **numbers):
        self.state = {}      # variable name -> {slot: Variable}
        self.iterations = 0
        for arg, value in numbers.items():  # hyperparameters: numbers, checked before the first step
            number(value, type(self).__name__.lower(), arg)

    def minimize(self, f, return_cost=False, var_list=None):
        start = ENGINE.next_id
        result = variable_grads(f, var_list)
        try:
            self.apply_gradients(result.grads)
        except BaseException:
            dispose(list(result.grads.values()))
            if result.value.id > start:
                result.value.dispose()
            raise
        dispose(list(result.grads.values()))
        if return_cost:
            return result.value
        if result.value.id > start:  # f may return a tensor it did not make (a variable)
            result.value.dispose()
        return None

    def compute_gradients(self, f, var_list=None):
        return variable_grads(f, var_list)

    def apply_gradients(self, variable_gradients):
        items = variable_gradients.items() if isinstance(variable_gradients, dict) else variable_gradients
        with tidy():
            for name, g in items:
                v = ENGINE.variables.get(name)
                if v is None:
                    raise ValueError(f"apply_gradients: no variable named {name!r}")
                if g is None:
                    continue
                if not isinstance(g, Tensor) or g.shape != v.shape:
                    raise (ValueError if isinstance(g, Tensor) else TypeError)(
                        f"apply_gradients: the gradient for {name!r} must be a tensor of shape {v.shape}, got "
                        + (f"shape {g.shape}" if isinstance(g, Tensor) else type(g).__name__))
                if name not in self.state:
                    self.state[name] = {s: Variable(fill(v.shape, self.slot_init(s), "float32"),
                                                    trainable=False) for s in self.slots}
                self.update(v, g, self.state[name])
            self.iterations += 1
            self.after_step()

    def slot_init(self, slot):
        return 0.0

    def after_step(self):
        pass

    def update(self, v, g, state):
        raise NotImplementedError

    def dispose(self):
        for slots in self.state.values():
            for s in slots.values():
                s.dispose()
        self.state = {}

    def get_weights(self):
        return [s for slots in self.state.values() for s in slots.values()]


class SGD(Optimizer):
    def __init__(self, learning_rate):
        super().__init__(learning_rate=learning_rate)
        self.learning_rate = learning_rate

    def update(self, v, g, state):
        v.assign(E.sub(v, E.mul(g, self.learning_rate)))


class Momentum(Optimizer):
    slots = ("accumulation",)

    def __init__(self, learning_rate, momentum, use_nesterov=False):
        super().__init__(learning_rate=learning_rate, momentum=momentum)
        self.learning_rate, self.momentum, self.use_nesterov = learning_rate, momentum, use_nesterov

    def update(self, v, g, state):
        acc = state["accumulation"].assign(E.add(E.mul(state["accumulation"], self.momentum), g))
        step = E.add(g, E.mul(acc, self.momentum)) if self.use_nesterov else acc
        v.assign(E.sub(v, E.mul(step, self.learning_rate)))


class Adagrad(Optimizer):
    slots = ("accumulator",)

    def __init__(self, learning_rate, initial_accumulator_value=0.1):
        super().__init__(learning_rate=learning_rate, initial_accumulator_value=initial_accumulator_value)
        self.learning_rate, self.initial = learning_rate, initial_accumulator_value

    def slot_init(self, slot):
        return self.initial

    def update(self, v, g, state):
        acc = state["accumulator"].assign(E.add(state["accumulator"], E.square(g)))
        v.assign(E.sub(v, E.mul(E.div(g, E.sqrt(E.add(acc, EPSILON))), self.learning_rate)))


class Adadelta(Optimizer):
    slots = ("accum_grad", "accum_update")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=EPSILON):
        super().__init__(learning_rate=learning_rate, rho=rho, epsilon=epsilon)
        self.learning_rate, self.rho, self.epsilon = learning_rate, rho, epsilon

    def update(self, v, g, state):
        rho, eps = self.rho, self.epsilon
        ag, au = state["accum_grad"], state["accum_update"]
        # tfjs scales by the accumulated gradient from before this step
        step = E.mul(E.div(E.sqrt(E.add(au, eps)), E.sqrt(E.add(ag, eps))), g)
        ag.assign(E.add(E.mul(ag, rho), E.mul(E.square(g), 1 - rho)))
        au.assign(E.add(E.mul(au, rho), E.mul(E.square(step), 1 - rho)))
        v.assign(E.sub(v, E.mul(step, self.learning_rate)))


class Adam(Optimizer):
    slots = ("m", "v")

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=EPSILON):
        super().__init__(learning_rate=learning_rate, beta1=beta1, beta2=beta2, epsilon=epsilon)
        self.learning_rate, self.beta1, self.beta2, self.epsilon = learning_rate, beta1, beta2, epsilon

    def update(self, v, g, state):
        b1, b2, t = self.beta1, self.beta2, self.iterations + 1
        m = state["m"].assign(E.add(E.mul(state["m"], b1), E.mul(g, 1 - b1)))
        s = state["v"].assign(E.add(E.mul(state["v"], b2), E.mul(E.square(g), 1 - b2)))
        # the bias corrections are host numbers: no tensor ops spent on them
        m_hat = E.mul(m, 1 / (1 - b1 ** t))
        v_hat = E.mul(s, 1 / (1 - b2 ** t))
        v.assign(E.sub(v, E.mul(E.div(m_hat, E.add(E.sqrt(v_hat), self.epsilon)), self.learning_rate)))


class Adamax(Optimizer):
    slots = ("m", "u")

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, epsilon=EPSILON, decay=0.0):
        super().__init__(learning_rate=learning_rate, beta1=beta1, beta2=beta2, epsilon=epsilon, decay=decay)
        self.learning_rate, self.beta1, self.beta2 = learning_rate, beta1, beta2
        self.epsilon, self.decay = epsilon, decay

    def update(self, v, g, state):
        b1, t = self.beta1, self.iterations
        lr = self.learning_rate / (1 + t * self.decay) / (1 - b1 ** (t + 1))
        m = state["m"].assign(E.add(E.mul(state["m"], b1), E.mul(g, 1 - b1)))
        u = state["u"].assign(E.maximum(E.mul(state["u"], self.beta2), E.abs(g)))
        v.assign(E.sub(v, E.mul(E.div(m, E.add(u, self.epsilon)), lr)))


class RMSProp(Optimizer):
    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=EPSILON, centered=False):
        super().__init__(learning_rate=learning_rate, decay=decay, momentum=momentum, epsilon=epsilon)
        self.slots = ("ms", "mom", "mg") if centered else ("ms", "mom")
        self.learning_rate, self.decay, self.momentum = learning_rate, decay, momentum
        self.epsilon, self.centered = epsilon, centered

    def update(self, v, g, state):
        d = self.decay
        ms = state["ms"].assign(E.add(E.mul(state["ms"], d), E.mul(E.square(g), 1 - d)))
        denom = ms
        if self.centered:
            mg = state["mg"].assign(E.add(E.mul(state["mg"], d), E.mul(g, 1 - d)))
            denom = E.sub(ms, E.square(mg))
        step = E.div(E.mul(g, self.learning_rate), E.sqrt(E.add(denom, self.epsilon)))
        mom = state["mom"].assign(E.add(E.mul(state["mom"], self.momentum), step))
        v.assign(E.sub(v, mom))


def sgd(learning_rate):
    return SGD(learning_rate)


def momentum(learning_rate, momentum, use_nesterov=False):
    return Momentum(learning_rate, momentum, use_nesterov)


def adagrad(learning_rate, initial_accumulator_value=0.1):
    return Adagrad(learning_rate, initial_accumulator_value)


def adadelta(learning_rate=0.001, rho=0.95, epsilon=EPSILON):
    return Adadelta(learning_rate, rho, epsilon)


def adam(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=EPSILON):
    return Adam(learning_rate, beta1, beta2, epsilon)


def adamax(learning_rate=0.002, beta1=0.9, beta2=0.999, epsilon=EPSILON, decay=0.0):
    return Adamax(learning_rate, beta1, beta2, epsilon, decay)


def rmsprop(learning_rate, decay=0.9, momentum=0.0, epsilon=EPSILON, centered=False):
    return RMSProp(learning_rate, decay, momentum, epsilon, centered)
