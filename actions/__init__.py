"""Rasa custom actions: thin adapters from the tracker to the core in `naervaer`.

The action server registers every `Action` subclass it can see, so every module of this package is
imported here: a new feature's actions are one new module, with nothing to list."""
from importlib import import_module
from pkgutil import iter_modules

for _module in iter_modules(__path__):
    import_module(f"{__name__}.{_module.name}")
