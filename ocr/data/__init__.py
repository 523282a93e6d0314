"""Package data of ``ocr``: controlled vocabularies and code tables read with importlib.resources."""
