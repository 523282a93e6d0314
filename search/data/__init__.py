"""Package data of ``search``: the old/new place-name table read with importlib.resources."""
