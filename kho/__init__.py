"""kho: digitization and results repository for Vietnamese public administration."""

__version__ = "0.1.0"
