"""The web app: the thesis's two platforms (chapter 5) as pages in the browser, served by Voila.

    from grid.app import AppServer
    with AppServer() as app:            # starts anvil, migrates the contract, serves the pages
        print(app.urls.side_by_side)

`python -m grid app` (and `make app`) runs the same thing from the command line.
The pages themselves (grid/app/pages/) run `grid.app.page` in their kernels.
"""
from .server import DEFAULT_PORT, AppServer, AppUrls

__all__ = ["DEFAULT_PORT", "AppServer", "AppUrls"]
