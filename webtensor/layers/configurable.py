"""What initializers, regularizers and constraints share: their constructor's arguments are
their config (tfjs's getConfig / fromConfig, the `config` of model.json), which repr shows."""


class Configurable:
    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"
