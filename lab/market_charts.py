"""Notebook 13's chart: a slot's supply and demand curves, as the market platforms draw them."""
from grid.market.charts import book_figure

__all__ = ["book_figure"]
