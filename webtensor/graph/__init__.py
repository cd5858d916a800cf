"""Graph models: converted TensorFlow graphs (tfjs's tf.loadGraphModel), run as webtensor ops."""
from .model import GraphModel, load_graph_model
