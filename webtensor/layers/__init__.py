"""Layers and models in tfjs-layers' style: wt.layers.dense(units=...), wt.sequential,
wt.model(inputs=..., outputs=...), compile / fit / evaluate / predict. One layer family per
module; the families with many members list their public names in __all__."""
from . import activations, callbacks, constraints, initializers, losses, metrics, regularizers
from .advanced_activations import (ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU, elu, leaky_re_lu,
                                   prelu, re_lu, softmax, thresholded_re_lu)
from .base import InputSpec, Layer, Node, SymbolicTensor
from .convolutional import *  # noqa: F401,F403
from .core import (Activation, Dense, Dropout, Flatten, Permute, RepeatVector, Reshape, activation, dense,
                   dropout, flatten, permute, repeat_vector, reshape)
from .embeddings import Embedding, embedding
from .input_layer import InputLayer, input, input_layer  # noqa: A004 (tfjs's tf.input)
from .merge import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average,
                    concatenate, dot, maximum, minimum, multiply, subtract)
from .models import Model, Sequential, model, sequential
from .normalization import BatchNormalization, LayerNormalization, batch_normalization, layer_normalization
from .pooling import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .wrappers import *  # noqa: F401,F403
