"""The server-rendered pages (Jinja, Vietnamese first, English available): one blueprint.

Importing this package registers every view on :data:`blueprint`; registering the blueprint on an
app (``web.app.create_app``) also installs Babel, CSRF and the HTML error page there
(:func:`web.pages.setup.init_pages`, run once from the blueprint's ``record_once`` hook).
"""

from __future__ import annotations

from flask import Flask
from flask.blueprints import BlueprintSetupState

from web.pages import (  # noqa: F401  (modules register their views)
    auth_views,
    batch_fix_views,
    batch_views,
    certify_views,
    home_views,
    record_views,
    review_views,
    search_views,
    stats_views,
)
from web.pages.base import pages as blueprint
from web.pages.setup import init_pages


@blueprint.record_once
def _install(setup_state: BlueprintSetupState) -> None:
    app = setup_state.app
    if isinstance(app, Flask):
        init_pages(app)


__all__ = ["blueprint", "init_pages"]
