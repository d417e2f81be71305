"""helpmesh: an open-source customer support platform."""

__version__ = "0.1.0"
